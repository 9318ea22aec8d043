//! The use cases, over the ports. Functions' routes call these; rules come from the domain.

mod accounts;
mod attachments;
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
pub use attachments::{AttachmentGrant, AttachmentInput};
pub use auth::Caller;
pub use fanout::FanOutOutcome;
pub use groups::{AddMemberInput, CreateGroupInput};
pub use messages::SendMessageInput;
pub use money::{AuthorizationInput, ChargeInput, CreditInput};
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
    /// The most live sessions one user holds; a log-in beyond it ends the oldest.
    pub max_sessions_per_user: usize,
    /// Failed log-ins are counted in fixed windows this long ...
    pub failed_login_window: Duration,
    /// ... and a username with this many failures in the current window is refused (429)
    /// until it ends, as is ...
    pub failed_logins_per_user: u32,
    /// ... a client address with this many.
    pub failed_logins_per_address: u32,
    /// How long a log-in refused by those limits waits before its 429: a flood that ignores
    /// `Retry-After` then sends as many log-ins a second as it holds connections, instead of
    /// taking the CPU from everyone else. chat-local waits a second; a Lambda does not (it
    /// would pay for the wait, and API Gateway's throttle is its guard).
    pub refused_login_delay: Duration,
    /// A fan-out to more users than this goes to the fan-out worker's queue, when the
    /// adapters have one, in jobs of ...
    pub queued_fan_out_above: usize,
    /// ... this many users each: a retried job repeats at most this many users' deliveries.
    pub fan_out_job_users: usize,
    /// The largest attachment, in bytes.
    pub max_attachment_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            token_cache_ttl: Duration::from_secs(10),
            max_poll_wait: Duration::from_secs(20),
            live_url: None,
            max_sessions_per_user: 20,
            failed_login_window: Duration::from_secs(300),
            failed_logins_per_user: 10,
            failed_logins_per_address: 30,
            refused_login_delay: Duration::ZERO,
            queued_fan_out_above: 50,
            fan_out_job_users: 100,
            max_attachment_bytes: crate::domain::message::DEFAULT_MAX_ATTACHMENT_BYTES,
        }
    }
}

/// Everything a route needs: the adapters, the settings and the token cache.
pub struct Services {
    pub ports: Ports,
    pub config: Config,
    token_cache: auth::TokenCache,
    hashing: HashingPool,
}

impl Services {
    pub fn new(ports: Ports, config: Config) -> Services {
        Services {
            ports,
            config,
            token_cache: auth::TokenCache::default(),
            hashing: HashingPool::new(),
        }
    }
}

/// Password hashing (argon2id: 19 MiB and ~30 ms of a core each) runs on a bounded pool: one
/// thread per core, a short queue in front of them, and anything beyond is refused at once
/// with 429 rather than piling up memory and slowing every other request. The threads are
/// the pool's own: on tokio's blocking pool every hash could land on a new thread, and each
/// thread's allocator arena keeps its 19 MiB (measured: 496 MB resident under a flood).
struct HashingPool {
    jobs: std::sync::mpsc::SyncSender<Job>,
    waiting: tokio::sync::Semaphore,
}

type Job = Box<dyn FnOnce() + Send>;

/// Hashes that may wait for a core, per core.
const HASH_QUEUE_PER_CORE: usize = 8;

impl HashingPool {
    fn new() -> HashingPool {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let capacity = cores * (HASH_QUEUE_PER_CORE + 1);
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(capacity);
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for n in 0..cores {
            let queue = queue.clone();
            // A pool that cannot start a thread runs with fewer; with none, `run` reports it.
            let _ = std::thread::Builder::new()
                .name(format!("hashing-{n}"))
                .spawn(move || {
                    loop {
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
        }
        HashingPool {
            jobs,
            waiting: tokio::sync::Semaphore::new(capacity),
        }
    }

    /// Runs CPU-heavy work (password hashing) on the pool, off the async executor.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> crate::Result<T> {
        let _in_line = self
            .waiting
            .try_acquire()
            .map_err(|_| crate::Error::RateLimited {
                message: "too many log-ins at once: retry in a second".to_string(),
                retry_after_secs: 1,
            })?;
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .try_send(job)
            .map_err(|_| crate::Error::internal("the hashing pool is not running"))?;
        result
            .await
            .map_err(|_| crate::Error::internal("a hashing job was dropped"))
    }
}
