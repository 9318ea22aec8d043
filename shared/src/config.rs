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

/// A whole number from an environment variable, or the default when unset.
pub fn number_from_env<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(raw) => raw
            .trim()
            .parse::<T>()
            .map_err(|_| Error::Invalid(format!("{name} must be a whole number"))),
    }
}

/// `CHAT_SESSION_TTL_SECONDS` (default 30 days), `CHAT_TOKEN_CACHE_SECONDS` (default 10),
/// `CHAT_MAX_POLL_WAIT_SECONDS` (default 20), `CHAT_LIVE_URL` (the WebSocket API's URL),
/// `CHAT_MAX_SESSIONS_PER_USER` (20), `CHAT_FAILED_LOGIN_WINDOW_SECONDS` (300),
/// `CHAT_FAILED_LOGINS_PER_USER` (10) and `CHAT_FAILED_LOGINS_PER_ADDRESS` (30).
pub fn config_from_env() -> Result<Config> {
    let defaults = Config::default();
    Ok(Config {
        // A Lambda never waits to refuse: it would pay for the wait.
        refused_login_delay: defaults.refused_login_delay,
        max_sessions_per_user: number_from_env(
            "CHAT_MAX_SESSIONS_PER_USER",
            defaults.max_sessions_per_user,
        )?
        .max(1),
        failed_login_window: seconds_from_env(
            "CHAT_FAILED_LOGIN_WINDOW_SECONDS",
            defaults.failed_login_window,
        )?
        .max(std::time::Duration::from_secs(1)),
        failed_logins_per_user: number_from_env(
            "CHAT_FAILED_LOGINS_PER_USER",
            defaults.failed_logins_per_user,
        )?,
        failed_logins_per_address: number_from_env(
            "CHAT_FAILED_LOGINS_PER_ADDRESS",
            defaults.failed_logins_per_address,
        )?,
        session_ttl: seconds_from_env("CHAT_SESSION_TTL_SECONDS", defaults.session_ttl)?,
        token_cache_ttl: seconds_from_env("CHAT_TOKEN_CACHE_SECONDS", defaults.token_cache_ttl)?,
        max_poll_wait: seconds_from_env("CHAT_MAX_POLL_WAIT_SECONDS", defaults.max_poll_wait)?,
        queued_fan_out_above: number_from_env(
            "CHAT_QUEUED_FAN_OUT_ABOVE",
            defaults.queued_fan_out_above,
        )?,
        fan_out_job_users: defaults.fan_out_job_users,
        max_attachment_bytes: number_from_env(
            "CHAT_MAX_ATTACHMENT_BYTES",
            defaults.max_attachment_bytes,
        )?,
        live_url: std::env::var("CHAT_LIVE_URL")
            .ok()
            .filter(|url| !url.is_empty()),
    })
}
