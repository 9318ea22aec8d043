//! The embedded adapter set: one SQLite file (WAL) holds every store and every inbox, and
//! in-process wake-ups let a waiting long-poll return the moment something is delivered.
//! Used by chat-local; everything survives a restart.

mod blocks;
mod failures;
mod files;
mod groups;
mod inbox;
mod live;
mod messages;
mod money;
mod schema;
mod sessions;
mod users;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode};
use tokio::sync::{Notify, watch};

use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::{Clock, Ports};

/// Entries taken by one receive, as with SQS.
const RECEIVE_BATCH: usize = crate::ports::MAX_DELIVERIES_PER_RECEIVE;

pub use files::{DownloadQuery, LocalFiles, UploadQuery};
pub use live::{LiveHub, OUTGOING_CAPACITY, Outgoing};

pub struct EmbeddedStore {
    conn: Mutex<Connection>,
    hub: Arc<LiveHub>,
    clock: Arc<dyn Clock>,
    visibility_ms: i64,
    wakers: Mutex<HashMap<Id, Arc<Notify>>>,
    /// Each session's latest poll number; a waiting poll watches it to see it is superseded.
    polls: Mutex<HashMap<Id, watch::Sender<u64>>>,
    closing: watch::Sender<bool>,
    failures: Arc<failures::MemoryFailureCounters>,
    files: Arc<LocalFiles>,
}

impl EmbeddedStore {
    /// Opens (or creates) the database file. `visibility` is how long a received inbox entry
    /// stays hidden before it is delivered again unless acknowledged.
    pub fn open(path: &Path, clock: Arc<dyn Clock>, visibility: Duration) -> Result<Arc<Self>> {
        let data_dir = path
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let files = LocalFiles::open(data_dir, clock.clone())?;
        let mut conn = Connection::open(path).map_err(Error::internal)?;
        schema::prepare(&mut conn)?;
        // Every statement stays prepared: parsing was 3% of chat-local's time under load.
        conn.set_prepared_statement_cache_capacity(128);
        Ok(Arc::new(EmbeddedStore {
            conn: Mutex::new(conn),
            hub: Arc::new(LiveHub::default()),
            clock,
            visibility_ms: i64::try_from(visibility.as_millis()).unwrap_or(i64::MAX),
            wakers: Mutex::new(HashMap::new()),
            polls: Mutex::new(HashMap::new()),
            closing: watch::channel(false).0,
            failures: Arc::default(),
            files,
        }))
    }

    /// The adapter set over this store.
    pub fn ports(self: &Arc<Self>) -> Ports {
        Ports {
            users: self.clone(),
            sessions: self.clone(),
            groups: self.clone(),
            messages: self.clone(),
            inbox: self.clone(),
            timers: self.clone(),
            ledger: self.clone(),
            tickets: self.hub.clone(),
            connections: self.hub.clone(),
            push: self.hub.clone(),
            failures: self.failures.clone(),
            blocks: self.clone(),
            attachments: self.clone(),
            files: self.files.clone(),
            // One process, no Lambda time limit: chat-local fans out in the request.
            fan_out_queue: None,
            clock: self.clock.clone(),
        }
    }

    /// Attachments' files in the data folder, for chat-local's upload and download routes.
    pub fn files(&self) -> Arc<LocalFiles> {
        self.files.clone()
    }

    /// The live channel's connections in this process, for chat-local's sockets.
    pub fn hub(&self) -> Arc<LiveHub> {
        self.hub.clone()
    }

    /// Ends every waiting long-poll (empty-handed), for a prompt shutdown.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Runs a closure on the connection, on the calling thread. Each call is a few SQLite
    /// statements (tens of microseconds); handing them to a blocking thread cost more in
    /// context switches than the work itself (measured with chat-bench and perf: 43% of
    /// chat-local's time went to switching threads), so the async worker runs them directly.
    async fn call<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        work(&mut conn)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        Error::internal(format!("sqlite: {error}"))
    }
}

/// Maps a uniqueness violation to `Conflict` with this message; anything else stays internal.
fn conflict_on_unique(error: rusqlite::Error, message: &str) -> Error {
    match &error {
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.code == ErrorCode::ConstraintViolation =>
        {
            Error::Conflict(message.to_string())
        }
        _ => error.into(),
    }
}

impl ToSql for Timestamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_millis()))
    }
}

impl FromSql for Timestamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(Timestamp::from_millis)
    }
}

/// Reads an enum stored as text through its `parse`.
fn text_enum<T>(
    row: &rusqlite::Row<'_>,
    index: usize,
    parse: fn(&str) -> Result<T>,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    parse(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(std::io::Error::other(e.to_string())),
        )
    })
}
