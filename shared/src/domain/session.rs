use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Error, Id, Result, Timestamp};

/// One logged-in device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub device: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

impl Session {
    pub fn is_live(&self, now: Timestamp) -> bool {
        now < self.expires_at
    }
}

/// A session as stored: only the SHA-256 of the token's secret, never the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub session: Session,
    pub secret_hash: [u8; 32],
}

/// A bearer token: the session it names and a 256-bit random secret.
/// Text form: `<session id, 32 hex>.<secret, base64url>`.
#[derive(Clone)]
pub struct Token {
    pub session_id: Id,
    secret: [u8; 32],
}

impl Token {
    pub fn generate(session_id: Id) -> Result<Token> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(Error::internal)?;
        Ok(Token { session_id, secret })
    }

    pub fn encode(&self) -> String {
        format!(
            "{}.{}",
            self.session_id.simple(),
            URL_SAFE_NO_PAD.encode(self.secret)
        )
    }

    /// Any malformed token is simply not a token: the caller answers 401.
    pub fn parse(text: &str) -> Option<Token> {
        let (id, secret) = text.split_once('.')?;
        if id.len() != 32 {
            return None;
        }
        let session_id = uuid::Uuid::try_parse(id).ok()?;
        let bytes = URL_SAFE_NO_PAD.decode(secret).ok()?;
        let secret: [u8; 32] = bytes.try_into().ok()?;
        Some(Token { session_id, secret })
    }

    /// A 256-bit random secret needs no slow hash: SHA-256 is enough to make a leaked
    /// table useless.
    pub fn secret_hash(&self) -> [u8; 32] {
        Sha256::digest(self.secret).into()
    }

    /// Constant-time comparison against a stored hash.
    pub fn matches(&self, stored_hash: &[u8; 32]) -> bool {
        self.secret_hash().ct_eq(stored_hash).into()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}

/// Device labels are free text from the client, kept short.
pub fn device_or_default(device: Option<&str>) -> Result<String> {
    match device.map(str::trim) {
        None | Some("") => Ok("unknown".to_string()),
        Some(name) if name.chars().count() <= 64 => Ok(name.to_string()),
        Some(_) => Err(Error::Invalid(
            "device must be at most 64 characters".to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trips_and_matches_only_its_own_hash() {
        let token = Token::generate(crate::domain::new_id()).unwrap();
        let parsed = Token::parse(&token.encode()).unwrap();
        assert_eq!(parsed.session_id, token.session_id);
        assert!(parsed.matches(&token.secret_hash()));
        let other = Token::generate(token.session_id).unwrap();
        assert!(!other.matches(&token.secret_hash()));
    }

    #[test]
    fn garbage_tokens_do_not_parse() {
        for text in [
            "",
            "abc",
            "x.y",
            "0123456789abcdef0123456789abcdef.short",
            "a.b.c",
        ] {
            assert!(Token::parse(text).is_none(), "{text}");
        }
    }
}
