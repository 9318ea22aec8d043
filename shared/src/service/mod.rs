//! The use cases, over the ports. Functions' routes call these; rules come from the domain.

mod accounts;
mod auth;
mod fanout;
mod groups;
mod live;
mod messages;
mod money;
mod poll;
mod timer;

use std::time::Duration;

pub use accounts::{LoginInput, LoginOutput, SignUpInput};
pub use auth::Caller;
pub use groups::{AddMemberInput, CreateGroupInput};
pub use money::{ChargeInput, CreditInput};
pub use poll::{PollInput, PollOutput};
pub use timer::StartTimerInput;

use crate::ports::Ports;

/// How long a polled, unacknowledged event stays hidden before it is delivered again. Each
/// inbox adapter takes its visibility when it is built; this is the default for both.
pub const DEFAULT_VISIBILITY: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct Config {
    /// How long a session lives after login.
    pub session_ttl: Duration,
    /// How long a process trusts a token it verified, without reading the session again.
    /// A logout is effective at once in the process that served it, and in every other
    /// process after at most this long.
    pub token_cache_ttl: Duration,
    /// The longest a poll waits, whatever `wait` asks (at most 20 s). A deployment behind a
    /// proxy with a shorter time-out lowers it; clients simply poll again.
    pub max_poll_wait: Duration,
    /// The live channel's WebSocket URL handed out with tickets (the WebSocket API's stage
    /// URL on AWS); `None`: `ws://<the request's host>/live`, as chat-local serves it.
    pub live_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            token_cache_ttl: Duration::from_secs(10),
            max_poll_wait: Duration::from_secs(20),
            live_url: None,
        }
    }
}

/// Everything a route needs: the adapters, the settings and the token cache.
pub struct Services {
    pub ports: Ports,
    pub config: Config,
    token_cache: auth::TokenCache,
}

impl Services {
    pub fn new(ports: Ports, config: Config) -> Services {
        Services {
            ports,
            config,
            token_cache: auth::TokenCache::default(),
        }
    }
}

/// Runs CPU-heavy work (password hashing) off the async executor.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> crate::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(crate::Error::internal)
}
