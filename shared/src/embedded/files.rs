//! Attachments' bytes on chat-local: files under the data folder, reached by URLs that
//! chat-local serves and signs with an HMAC key kept in the data folder (like S3's presigned
//! URLs: no bearer token, valid until they expire). The upload and download routes live in
//! chat-local; this module signs, checks and names the files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::message::percent_encode;
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::{Clock, FileStore, UploadGrant};

/// The key's file in the data folder: 32 random bytes, the owner's alone.
const KEY_FILE: &str = "file-signing.key";

pub struct LocalFiles {
    dir: PathBuf,
    key: [u8; 32],
    /// Where chat-local is reached, for absolute links (`http://127.0.0.1:3000`).
    public_url: RwLock<String>,
    clock: Arc<dyn Clock>,
}

/// What a signed upload URL's query carries.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct UploadQuery {
    pub expires: i64,
    pub size: u64,
    #[serde(rename = "type")]
    pub content_type: String,
    pub sig: String,
}

/// What a signed download URL's query carries.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct DownloadQuery {
    pub expires: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub content_type: String,
    pub sig: String,
}

fn refused() -> Error {
    Error::Forbidden("this link is not valid, or has expired".to_string())
}

/// `<group>/<attachment>`, both ids, and nothing else: the key names a file path.
fn parse_key(key: &str) -> Result<(Id, Id)> {
    let (group, attachment) = key
        .split_once('/')
        .ok_or_else(|| Error::NotFound("no such file".to_string()))?;
    match (Id::try_parse(group), Id::try_parse(attachment)) {
        (Ok(group), Ok(attachment)) => Ok((group, attachment)),
        _ => Err(Error::NotFound("no such file".to_string())),
    }
}

impl LocalFiles {
    /// The files folder and the signing key under `data_dir`, made (0700 and 0600) if new.
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Arc<LocalFiles>> {
        let dir = data_dir.join("files");
        std::fs::create_dir_all(&dir).map_err(Error::internal)?;
        let key_path = data_dir.join(KEY_FILE);
        let key = match std::fs::read(&key_path) {
            Ok(bytes) => <[u8; 32]>::try_from(bytes.as_slice())
                .map_err(|_| Error::internal(format!("{} is not 32 bytes", key_path.display())))?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).map_err(Error::internal)?;
                write_private(&key_path, &key)?;
                key
            }
            Err(error) => return Err(Error::internal(error)),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .map_err(Error::internal)?;
        }
        Ok(Arc::new(LocalFiles {
            dir,
            key,
            public_url: RwLock::new("http://127.0.0.1:3000".to_string()),
            clock,
        }))
    }

    pub fn set_public_url(&self, url: &str) {
        *self.public_url.write().unwrap_or_else(|e| e.into_inner()) =
            url.trim_end_matches('/').to_string();
    }

    fn public_url(&self) -> String {
        self.public_url
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn signature(&self, parts: &[&str]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        for part in parts {
            mac.update(part.as_bytes());
            mac.update(b"\n");
        }
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    fn check(&self, parts: &[&str], sig: &str, expires: i64) -> Result<()> {
        let expected = self.signature(parts);
        let matches: bool =
            subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), sig.as_bytes()).into();
        if !matches || self.clock.now().as_millis() > expires {
            return Err(refused());
        }
        Ok(())
    }

    /// The file a key names, once checked to be `<group>/<attachment>`.
    pub fn path_of(&self, key: &str) -> Result<PathBuf> {
        let (group, attachment) = parse_key(key)?;
        Ok(self
            .dir
            .join(group.to_string())
            .join(attachment.to_string()))
    }

    /// Checks an upload URL: its signature, that it has not expired, and that the body's type
    /// is the one signed. Returns the size the body must have.
    pub fn check_upload(&self, key: &str, query: &UploadQuery, content_type: &str) -> Result<u64> {
        let expires = query.expires.to_string();
        let size = query.size.to_string();
        self.check(
            &["PUT", key, &expires, &size, &query.content_type],
            &query.sig,
            query.expires,
        )?;
        if content_type != query.content_type {
            return Err(refused());
        }
        Ok(query.size)
    }

    pub fn check_download(&self, key: &str, query: &DownloadQuery) -> Result<()> {
        let expires = query.expires.to_string();
        self.check(
            &["GET", key, &expires, &query.name, &query.content_type],
            &query.sig,
            query.expires,
        )
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(Error::internal)?;
    file.write_all(bytes).map_err(Error::internal)
}

#[async_trait]
impl FileStore for LocalFiles {
    async fn upload_grant(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_at: Timestamp,
    ) -> Result<UploadGrant> {
        parse_key(key)?;
        let expires = expires_at.as_millis().to_string();
        let sig = self.signature(&["PUT", key, &expires, &size.to_string(), content_type]);
        Ok(UploadGrant {
            method: "PUT".to_string(),
            url: format!(
                "{}/files/{key}?expires={expires}&size={size}&type={}&sig={sig}",
                self.public_url(),
                percent_encode(content_type)
            ),
            headers: BTreeMap::from([("content-type".to_string(), content_type.to_string())]),
            expires_at,
        })
    }

    async fn download_url(
        &self,
        key: &str,
        filename: &str,
        content_type: &str,
        expires_at: Timestamp,
    ) -> Result<String> {
        parse_key(key)?;
        let expires = expires_at.as_millis().to_string();
        let sig = self.signature(&["GET", key, &expires, filename, content_type]);
        Ok(format!(
            "{}/files/{key}?expires={expires}&name={}&type={}&sig={sig}",
            self.public_url(),
            percent_encode(filename),
            percent_encode(content_type)
        ))
    }

    async fn stored_size(&self, key: &str) -> Result<Option<u64>> {
        match tokio::fs::metadata(self.path_of(key)?).await {
            Ok(metadata) => Ok(Some(metadata.len())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(Error::internal(error)),
        }
    }

    async fn mark_used(&self, _key: &str) -> Result<()> {
        // chat-local keeps every upload until its message is deleted.
        Ok(())
    }

    async fn delete_file(&self, key: &str) -> Result<()> {
        match tokio::fs::remove_file(self.path_of(key)?).await {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(Error::internal(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::ManualClock;

    /// A query parameter whose value needs no decoding (digits, hex).
    fn param<'a>(url: &'a str, name: &str) -> &'a str {
        let query = url.split_once('?').unwrap().1;
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap()
    }

    #[tokio::test]
    async fn a_link_works_until_it_expires_and_only_as_signed() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_000_000)));
        let files = LocalFiles::open(dir.path(), clock.clone()).unwrap();
        let key = format!("{}/{}", crate::domain::new_id(), crate::domain::new_id());
        let url = files
            .download_url(&key, "a b.png", "image/png", clock.now().plus_millis(1000))
            .await
            .unwrap();
        assert!(url.contains("name=a%20b.png&type=image%2Fpng"), "{url}");
        let download = |name: &str| DownloadQuery {
            expires: param(&url, "expires").parse().unwrap(),
            name: name.to_string(),
            content_type: "image/png".to_string(),
            sig: param(&url, "sig").to_string(),
        };
        assert!(files.check_download(&key, &download("a b.png")).is_ok());
        assert!(matches!(
            files.check_download(&key, &download("c.png")),
            Err(Error::Forbidden(_))
        ));
        clock.advance(std::time::Duration::from_millis(1001));
        assert!(matches!(
            files.check_download(&key, &download("a b.png")),
            Err(Error::Forbidden(_))
        ));
        // The key is kept across restarts: a link signed before still checks.
        let reopened = LocalFiles::open(dir.path(), clock.clone()).unwrap();
        assert_eq!(reopened.key, files.key);
        assert!(files.path_of("../../etc/passwd").is_err());
    }
}
