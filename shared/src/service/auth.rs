use std::collections::HashMap;
use std::sync::Mutex;

use crate::domain::session::{Session, Token};
use crate::domain::user::User;
use crate::domain::{Error, Id, Result, Timestamp};

use super::Services;

/// Who is asking: the verified user and the session its token names.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub session: Session,
}

struct CachedToken {
    secret_hash: [u8; 32],
    caller: Caller,
    verified_at: Timestamp,
}

/// Verified tokens, kept briefly so a warm process does not read the session on every request
/// (what the seed design used Redis for). Bounded: cleared when full.
#[derive(Default)]
pub(super) struct TokenCache {
    entries: Mutex<HashMap<Id, CachedToken>>,
}

const TOKEN_CACHE_CAPACITY: usize = 10_000;

impl TokenCache {
    fn get(&self, token: &Token, now: Timestamp, ttl_ms: i64) -> Option<Caller> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let cached = entries.get(&token.session_id)?;
        let fresh = now.millis_since(cached.verified_at) < ttl_ms;
        (fresh && cached.caller.session.is_live(now) && token.matches(&cached.secret_hash))
            .then(|| cached.caller.clone())
    }

    fn put(&self, secret_hash: [u8; 32], caller: Caller, now: Timestamp) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= TOKEN_CACHE_CAPACITY {
            entries.clear();
        }
        entries.insert(
            caller.session.id,
            CachedToken {
                secret_hash,
                caller,
                verified_at: now,
            },
        );
    }

    pub(super) fn forget(&self, session_id: Id) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&session_id);
    }
}

fn invalid_token() -> Error {
    Error::Unauthorized("invalid or expired token".to_string())
}

impl Services {
    /// Verifies a bearer token: 401 when it is missing, malformed, unknown, wrong, expired or
    /// logged out.
    pub async fn authenticate(&self, bearer: Option<&str>) -> Result<Caller> {
        let bearer =
            bearer.ok_or_else(|| Error::Unauthorized("missing bearer token".to_string()))?;
        let token = Token::parse(bearer).ok_or_else(invalid_token)?;
        let now = self.ports.clock.now();
        let ttl_ms = i64::try_from(self.config.token_cache_ttl.as_millis()).unwrap_or(i64::MAX);
        if let Some(caller) = self.token_cache.get(&token, now, ttl_ms) {
            return Ok(caller);
        }
        let record = self
            .ports
            .sessions
            .session_by_id(token.session_id)
            .await?
            .ok_or_else(invalid_token)?;
        if !token.matches(&record.secret_hash) || !record.session.is_live(now) {
            return Err(invalid_token());
        }
        let user = self
            .ports
            .users
            .user_by_id(record.session.user_id)
            .await?
            .ok_or_else(invalid_token)?;
        let caller = Caller {
            user,
            session: record.session,
        };
        self.token_cache
            .put(record.secret_hash, caller.clone(), now);
        Ok(caller)
    }
}
