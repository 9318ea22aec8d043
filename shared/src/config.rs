//! Settings read from the environment, shared by every binary.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::domain::{Error, Result};
use crate::embedded::{DEFAULT_VISIBILITY, EmbeddedStore};
use crate::ports::SystemClock;
use crate::service::{Config, Services};

/// A whole number of seconds from an environment variable, or the default when unset.
pub fn seconds_from_env(name: &str, default: Duration) -> Result<Duration> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(raw) => raw
            .trim()
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| Error::Invalid(format!("{name} must be a whole number of seconds"))),
    }
}

/// `CHAT_SESSION_TTL_SECONDS` (default 30 days) and `CHAT_TOKEN_CACHE_SECONDS` (default 10).
pub fn config_from_env() -> Result<Config> {
    let defaults = Config::default();
    Ok(Config {
        session_ttl: seconds_from_env("CHAT_SESSION_TTL_SECONDS", defaults.session_ttl)?,
        token_cache_ttl: seconds_from_env("CHAT_TOKEN_CACHE_SECONDS", defaults.token_cache_ttl)?,
    })
}

/// Services on the embedded store in `CHAT_DATA_DIR` (default `/tmp/chat-data`), with the
/// inbox visibility period from `CHAT_VISIBILITY_SECONDS` (default 30).
pub fn embedded_services_from_env() -> Result<Services> {
    let dir =
        PathBuf::from(std::env::var("CHAT_DATA_DIR").unwrap_or_else(|_| "/tmp/chat-data".into()));
    std::fs::create_dir_all(&dir).map_err(Error::internal)?;
    let visibility = seconds_from_env("CHAT_VISIBILITY_SECONDS", DEFAULT_VISIBILITY)?;
    let store = EmbeddedStore::open(&dir.join("chat.db"), Arc::new(SystemClock), visibility)?;
    Ok(Services::new(store.ports(), config_from_env()?))
}
