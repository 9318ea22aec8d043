use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Error, Result, Timestamp};

/// A platform role. What each may do sits in [`super::policy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Provider,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Provider => "provider",
            Role::Member => "member",
        }
    }

    pub fn parse(text: &str) -> Result<Role> {
        match text {
            "admin" => Ok(Role::Admin),
            "provider" => Ok(Role::Provider),
            "member" => Ok(Role::Member),
            _ => Err(Error::Invalid(
                "role must be admin, provider or member".to_string(),
            )),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub created_at: Timestamp,
}

/// A user as stored: the public view plus the argon2id hash (PHC string).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: String,
}

/// Usernames are unique ignoring case; this is the key that uniqueness is checked on.
pub fn username_key(username: &str) -> String {
    username.to_ascii_lowercase()
}

/// 3 to 32 of `[a-z0-9_.-]`, letters in either case (uniqueness ignores case).
pub fn validate_username(username: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    if !(3..=32).contains(&username.len()) || !username.chars().all(allowed) {
        return Err(Error::Invalid(
            "username must be 3 to 32 of letters, digits, '_', '.' or '-'".to_string(),
        ));
    }
    Ok(())
}

pub fn validate_password(password: &str) -> Result<()> {
    if !(8..=128).contains(&password.chars().count()) {
        return Err(Error::Invalid(
            "password must be 8 to 128 characters".to_string(),
        ));
    }
    Ok(())
}

/// Characters a name shown to other people may not hold: control characters, and the
/// invisible ones that let a name pass for another (zero-width characters, bidirectional
/// overrides and isolates, the soft hyphen, the byte-order mark).
pub fn is_deceptive_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// The display name defaults to the username; otherwise 1 to 64 characters once trimmed,
/// none of them control or invisible characters.
pub fn display_name_or_default(display_name: Option<&str>, username: &str) -> Result<String> {
    match display_name.map(str::trim) {
        None => Ok(username.to_string()),
        Some(name) if name.chars().any(is_deceptive_char) => Err(Error::Invalid(
            "display_name may not hold control, zero-width or bidirectional-override characters"
                .to_string(),
        )),
        Some(name) if (1..=64).contains(&name.chars().count()) => Ok(name.to_string()),
        Some(_) => Err(Error::Invalid(
            "display_name must be 1 to 64 characters".to_string(),
        )),
    }
}

/// argon2id with OWASP's minimum parameters: 19 MiB of memory, 2 passes, 1 lane.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid")
}

thread_local! {
    /// argon2's working memory, kept per hashing thread and reused: allocating 19 MiB per
    /// hash let the allocator keep many such blocks around (hundreds of MB under a flood).
    static WORKING_MEMORY: std::cell::RefCell<Vec<argon2::Block>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// argon2 over this thread's reused working memory.
fn hash_into(
    argon: &Argon2<'_>,
    blocks: usize,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<()> {
    WORKING_MEMORY.with_borrow_mut(|memory| {
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::default());
        }
        argon
            .hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
            .map_err(Error::internal)
    })
}

/// Hashes a password into a PHC string (salt and parameters included). CPU-heavy: call it
/// off the async executor.
pub fn hash_password(password: &str) -> Result<String> {
    let params = params();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = argon2::password_hash::try_generate_salt().map_err(Error::internal)?;
    let mut out = [0u8; 32];
    hash_into(
        &argon,
        params.block_count(),
        password.as_bytes(),
        &salt,
        &mut out,
    )?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(Error::internal)?,
        salt: Some(Salt::new(&salt).map_err(Error::internal)?),
        hash: Some(Output::new(&out).map_err(Error::internal)?),
    };
    Ok(hash.to_string())
}

/// Checks a password against a stored PHC string (any argon2 variant, version and parameters
/// it names). CPU-heavy, like [`hash_password`].
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    let check = || -> Option<bool> {
        let hash = PasswordHash::new(stored_hash).ok()?;
        let (salt, expected) = (hash.salt.as_ref()?, hash.hash.as_ref()?);
        let algorithm = Algorithm::try_from(hash.algorithm.as_str()).ok()?;
        let version = match hash.version {
            Some(version) => Version::try_from(version).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&hash).ok()?;
        let argon = Argon2::new(algorithm, version, params.clone());
        let mut out = vec![0u8; expected.len()];
        hash_into(
            &argon,
            params.block_count(),
            password.as_bytes(),
            salt.as_ref(),
            &mut out,
        )
        .ok()?;
        // `Output` compares in constant time.
        Some(Output::new(&out).ok()? == *expected)
    };
    check().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_standard_phc_strings_that_argon2_itself_verifies_and_the_other_way_round() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let ours = hash_password("correct-horse-battery").unwrap();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        let reference = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        assert!(
            reference
                .verify_password(b"correct-horse-battery", ours.as_str())
                .is_ok()
        );
        let theirs = reference
            .hash_password(b"correct-horse-battery")
            .unwrap()
            .to_string();
        assert!(verify_password("correct-horse-battery", &theirs));
        assert!(!verify_password("wrong-horse-battery", &theirs));
        assert!(!verify_password(
            "correct-horse-battery",
            "$argon2id$garbage"
        ));
        assert!(!verify_password("correct-horse-battery", ""));
        assert_ne!(
            hash_password("correct-horse-battery").unwrap(),
            ours,
            "a new salt each time"
        );
    }

    #[test]
    fn display_names_refuse_control_zero_width_and_bidi_override_characters() {
        for bad in [
            "ali\u{0000}ce",
            "line\nbreak",
            "admin\u{200B}",
            "\u{202E}nimda",
            "a\u{2066}b",
            "\u{FEFF}bob",
            "soft\u{00AD}hyphen",
        ] {
            assert!(display_name_or_default(Some(bad), "x").is_err(), "{bad:?}");
        }
        for good in [
            "Alice",
            "Zoë Ångström",
            "李小龍",
            "Dr. O'Brien-Smith",
            "😀 party",
        ] {
            assert_eq!(display_name_or_default(Some(good), "x").unwrap(), good);
        }
    }

    #[test]
    fn password_hash_is_argon2id_with_owasp_minimum_and_verifies() {
        let hash = hash_password("correct horse").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
    }

    #[test]
    fn username_rules_accept_mixed_case_and_reject_others() {
        assert!(validate_username("Alice_1.x-y").is_ok());
        assert!(validate_username("ab").is_err());
        assert!(validate_username(&"a".repeat(33)).is_err());
        assert!(validate_username("al ice").is_err());
        assert!(validate_username("alïce").is_err());
        assert_eq!(username_key("AliCe"), "alice");
    }
}
