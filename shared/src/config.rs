//! Settings read from the environment, shared by every binary.

use std::time::Duration;

use crate::domain::{Error, Result};
use crate::service::Config;

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

/// `CHAT_SESSION_TTL_SECONDS` (default 30 days), `CHAT_TOKEN_CACHE_SECONDS` (default 10) and
/// `CHAT_MAX_POLL_WAIT_SECONDS` (default 20) and `CHAT_LIVE_URL` (the WebSocket API's URL).
pub fn config_from_env() -> Result<Config> {
    let defaults = Config::default();
    Ok(Config {
        session_ttl: seconds_from_env("CHAT_SESSION_TTL_SECONDS", defaults.session_ttl)?,
        token_cache_ttl: seconds_from_env("CHAT_TOKEN_CACHE_SECONDS", defaults.token_cache_ttl)?,
        max_poll_wait: seconds_from_env("CHAT_MAX_POLL_WAIT_SECONDS", defaults.max_poll_wait)?,
        live_url: std::env::var("CHAT_LIVE_URL")
            .ok()
            .filter(|url| !url.is_empty()),
    })
}
