use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
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
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (salt and parameters included). CPU-heavy: call it
/// off the async executor.
pub fn hash_password(password: &str) -> Result<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(Error::internal)
}

/// Checks a password against a stored PHC string. CPU-heavy, like [`hash_password`].
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    hasher()
        .verify_password(password.as_bytes(), stored_hash)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
