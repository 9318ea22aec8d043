//! chat-local: every function's routes behind one HTTP listener, on the embedded store, and
//! the live channel (WebSocket) at `/live`.

mod files;
mod listener;
mod live;
mod web;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use chat_core::domain::user::Role;
use chat_core::embedded::{EmbeddedStore, LiveHub, LocalFiles};
use chat_core::http::openapi::{Function, assemble};
use chat_core::http::{AppState, finish, reply};
use chat_core::ports::SystemClock;
use chat_core::service::{Config, Services};
use chat_core::{Error, Result};
use clap::{Parser, Subcommand};
use http::StatusCode;
use utoipa::openapi::OpenApi;

/// Every function of the deployment: its Lambda binary's name and its routes. This list is
/// the one place a new function is added; the OpenAPI document, the template check and the
/// event replay all follow it.
pub const FUNCTIONS: [Function; 6] = [
    Function {
        name: "login",
        routes: login::routes,
    },
    Function {
        name: "group-manage",
        routes: group_manage::routes,
    },
    Function {
        name: "send-message",
        routes: send_message::routes,
    },
    Function {
        name: "poll",
        routes: poll::routes,
    },
    Function {
        name: "timer",
        routes: timer::routes,
    },
    Function {
        name: "charge",
        routes: charge::routes,
    },
];

/// Every route of every function in one router, and the OpenAPI document that describes them.
pub fn api() -> (axum::Router<AppState>, OpenApi) {
    assemble(&FUNCTIONS)
}

/// The OpenAPI document as committed in `docs/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = api()
        .1
        .to_pretty_json()
        .expect("the OpenAPI document serializes");
    json.push('\n');
    json
}

/// chat-local's whole HTTP app: every route, `GET /openapi.json`, the live channel at
/// `GET /live` (a WebSocket; tickets come from `POST /live/tickets`), and the web app at `/`.
pub fn app(services: AppState, hub: Arc<LiveHub>, files: Arc<LocalFiles>) -> axum::Router {
    let (routes, openapi) = api();
    let openapi = Arc::new(openapi);
    let routes = routes
        .route(
            "/openapi.json",
            get(move || {
                let openapi = openapi.clone();
                async move { reply(StatusCode::OK, &*openapi) }
            }),
        )
        .route(
            "/live",
            get(move |state, query, upgrade| live::open(state, hub.clone(), query, upgrade)),
        );
    // The file routes take bodies up to the attachment limit, streamed: outside the JSON
    // routes' 64 KiB limit.
    finish(routes)
        .with_state(services)
        .merge(files::router(files))
        .merge(web::router())
}

#[derive(Debug, Parser)]
#[command(
    name = "chat-local",
    about = "The chat backend in one process, on an embedded store"
)]
pub struct Cli {
    /// Address to listen on.
    #[arg(long, env = "CHAT_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Folder for the SQLite file; created when missing.
    #[arg(long, env = "CHAT_DATA_DIR", default_value = ".chat-local")]
    pub data_dir: PathBuf,
    /// How long a session lives after login.
    #[arg(long, env = "CHAT_SESSION_TTL_SECONDS", default_value_t = 30 * 24 * 3600)]
    pub session_ttl_seconds: u64,
    /// How long a polled, unacknowledged event stays hidden before it is delivered again.
    #[arg(long, env = "CHAT_VISIBILITY_SECONDS", default_value_t = 30)]
    pub visibility_seconds: u64,
    /// How long a verified token is trusted without reading its session again.
    #[arg(long, env = "CHAT_TOKEN_CACHE_SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(0..=60))]
    pub token_cache_seconds: u64,
    /// The longest a poll waits, whatever it asks for (0 to 20).
    #[arg(long, env = "CHAT_MAX_POLL_WAIT_SECONDS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(0..=20))]
    pub max_poll_wait_seconds: u64,
    /// The most live sessions one user holds; a log-in beyond it ends the oldest.
    #[arg(long, env = "CHAT_MAX_SESSIONS_PER_USER", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..10_000))]
    pub max_sessions_per_user: u64,
    /// The most HTTP connections served at once; more wait to be accepted. (A WebSocket
    /// counts until it is open; open sockets are one per session, not counted here.)
    #[arg(long, env = "CHAT_MAX_CONNECTIONS", default_value_t = 4096,
          value_parser = clap::value_parser!(u64).range(1..1_000_000))]
    pub max_connections: u64,
    /// Seconds a client has to send a request's headers, and to start its next request on a
    /// kept-alive connection; then it is disconnected.
    #[arg(long, env = "CHAT_HEADER_READ_TIMEOUT_SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..3600))]
    pub header_read_timeout_seconds: u64,
    /// Seconds a client has to send a request's body once its headers are in; then 408.
    #[arg(long, env = "CHAT_BODY_READ_TIMEOUT_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..3600))]
    pub body_read_timeout_seconds: u64,
    /// Failed log-ins are counted in fixed windows this long.
    #[arg(long, env = "CHAT_FAILED_LOGIN_WINDOW_SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub failed_login_window_seconds: u64,
    /// Failed log-ins of one username per window before it gets 429 (0: no limit).
    #[arg(long, env = "CHAT_FAILED_LOGINS_PER_USER", default_value_t = 10)]
    pub failed_logins_per_user: u32,
    /// Failed log-ins from one client address per window before it gets 429 (0: no limit).
    #[arg(long, env = "CHAT_FAILED_LOGINS_PER_ADDRESS", default_value_t = 30)]
    pub failed_logins_per_address: u32,
    /// Milliseconds a log-in refused by those limits waits before its 429, so that a flood
    /// ignoring Retry-After cannot take the CPU from everyone else (0: answer at once).
    #[arg(long, env = "CHAT_REFUSED_LOGIN_DELAY_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub refused_login_delay_ms: u64,
    /// Where clients reach this server, for the attachment links it signs (default:
    /// `http://<addr>`).
    #[arg(long, env = "CHAT_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The largest attachment, in bytes.
    #[arg(long, env = "CHAT_MAX_ATTACHMENT_BYTES",
          default_value_t = chat_core::domain::message::DEFAULT_MAX_ATTACHMENT_BYTES)]
    pub max_attachment_bytes: u64,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Prints the OpenAPI document of every route (what `docs/openapi.json` holds).
    Openapi,
    /// Creates a user directly in the store (the first admin, say), reading the password
    /// from standard input.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "member", value_parser = ["admin", "provider", "member"])]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from the first line of standard input (required: passwords
        /// never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

/// The store and the services over it, as the command line configures them.
pub fn open(cli: &Cli) -> Result<(Arc<EmbeddedStore>, Arc<Services>)> {
    create_private_files(&cli.data_dir)?;
    let store = EmbeddedStore::open(
        &database_path(&cli.data_dir),
        Arc::new(SystemClock),
        Duration::from_secs(cli.visibility_seconds),
    )?;
    let config = Config {
        session_ttl: Duration::from_secs(cli.session_ttl_seconds),
        token_cache_ttl: Duration::from_secs(cli.token_cache_seconds),
        max_poll_wait: Duration::from_secs(cli.max_poll_wait_seconds),
        live_url: None,
        max_sessions_per_user: cli.max_sessions_per_user as usize,
        failed_login_window: Duration::from_secs(cli.failed_login_window_seconds),
        failed_logins_per_user: cli.failed_logins_per_user,
        failed_logins_per_address: cli.failed_logins_per_address,
        refused_login_delay: Duration::from_millis(cli.refused_login_delay_ms),
        max_attachment_bytes: cli.max_attachment_bytes,
        // chat-local has no fan-out queue: every fan-out runs in the request.
        ..Config::default()
    };
    store.files().set_public_url(
        cli.public_url
            .as_deref()
            .unwrap_or(&format!("http://{}", cli.addr)),
    );
    let services = Arc::new(Services::new(store.ports(), config));
    Ok((store, services))
}

/// The data folder (0700) and the database file (0600) are the owner's alone: they hold
/// password hashes and messages. SQLite gives its WAL and shared-memory files the database
/// file's permissions.
fn create_private_files(data_dir: &Path) -> Result<()> {
    let cannot = |what: &Path, e: std::io::Error| {
        Error::internal(format!("cannot create {}: {e}", what.display()))
    };
    let mut folder = std::fs::DirBuilder::new();
    folder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
    folder.create(data_dir).map_err(|e| cannot(data_dir, e))?;
    let database = database_path(data_dir);
    let mut file = std::fs::OpenOptions::new();
    file.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    file.open(&database).map_err(|e| cannot(&database, e))?;
    Ok(())
}

pub fn database_path(data_dir: &Path) -> PathBuf {
    data_dir.join("chat.db")
}

/// `create-user`: a user with any role, straight into the store.
pub async fn create_user(
    services: &Services,
    username: &str,
    role: &str,
    display_name: Option<&str>,
    password: &str,
) -> Result<String> {
    let user = services
        .create_user(username, password, display_name, Role::parse(role)?)
        .await?;
    serde_json::to_string(&user).map_err(Error::internal)
}

/// Serves until Ctrl-C or SIGTERM, then ends waiting long-polls and stops.
pub async fn serve(
    cli: &Cli,
    store: Arc<EmbeddedStore>,
    services: Arc<Services>,
) -> std::io::Result<()> {
    let (addr, max_connections) = (cli.addr, cli.max_connections as usize);
    let timeouts = listener::Timeouts {
        header_read: Duration::from_secs(cli.header_read_timeout_seconds),
        body_read: Duration::from_secs(cli.body_read_timeout_seconds),
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, max_connections, "chat-local listening");
    let sweeper = tokio::spawn(sweep_expired_sessions(services.clone()));
    let app = app(services.clone(), store.hub(), store.files());
    let shutdown = async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        store.close();
    };
    listener::serve(listener, app, max_connections, timeouts, shutdown).await;
    sweeper.abort();
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// Expired sessions lose their inboxes, as the AWS deployment's sweep does.
async fn sweep_expired_sessions(services: Arc<Services>) {
    let mut every_minute = tokio::time::interval(Duration::from_secs(60));
    loop {
        every_minute.tick().await;
        let mut after = None;
        loop {
            match services.sweep_expired_sessions(after).await {
                Ok((swept, next)) => {
                    if swept > 0 {
                        tracing::info!(swept, "expired sessions removed");
                    }
                    match next {
                        Some(next) => after = Some(next),
                        None => break,
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "session sweep failed");
                    break;
                }
            }
        }
    }
}
