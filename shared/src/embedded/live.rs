//! The live channel in one process. Tickets live in memory (they are valid for 30 s, so a
//! restart losing them costs a client one retry), and the hub maps each session to its
//! WebSocket's outgoing queue; chat-local's socket tasks write what the queue holds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use tokio::sync::mpsc::{self, error::TrySendError};

use crate::domain::live::TicketRecord;
use crate::domain::{Id, Result, Timestamp};
use crate::ports::{FrameKind, LiveConnections, LiveTickets, Push};

/// Frames a connection may have waiting. A client that falls this far behind is cut off: its
/// events go to its inbox instead, and it catches up from there when it reconnects.
pub const OUTGOING_CAPACITY: usize = 1024;

/// What a socket task is asked to send.
#[derive(Debug, PartialEq, Eq)]
pub enum Outgoing {
    Frame { text: String, kind: FrameKind },
    Close { code: u16, reason: String },
}

#[derive(Default)]
struct HubState {
    by_session: HashMap<Id, String>,
    senders: HashMap<String, mpsc::Sender<Outgoing>>,
    tickets: HashMap<[u8; 32], TicketRecord>,
}

#[derive(Default)]
pub struct LiveHub {
    state: Mutex<HubState>,
    next_connection: AtomicU64,
}

impl LiveHub {
    fn state(&self) -> std::sync::MutexGuard<'_, HubState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new connection: its id, and the queue its socket task writes from.
    pub fn open_connection(&self) -> (String, mpsc::Receiver<Outgoing>) {
        let (sender, receiver) = mpsc::channel(OUTGOING_CAPACITY);
        let id = format!("c{}", self.next_connection.fetch_add(1, Ordering::Relaxed));
        self.state().senders.insert(id.clone(), sender);
        (id, receiver)
    }

    /// The socket is gone: pushes to it fail from now on.
    pub fn close_connection(&self, connection_id: &str) {
        self.state().senders.remove(connection_id);
    }
}

#[async_trait]
impl LiveTickets for LiveHub {
    async fn insert_ticket(&self, ticket: &TicketRecord) -> Result<()> {
        let mut state = self.state();
        // Expired tickets go whenever a new one comes, so the map stays small.
        let now = ticket
            .expires_at
            .plus_millis(-crate::domain::live::TICKET_TTL_MS);
        state.tickets.retain(|_, t| t.expires_at > now);
        state.tickets.insert(ticket.hash, ticket.clone());
        Ok(())
    }

    async fn take_ticket(&self, hash: &[u8; 32], now: Timestamp) -> Result<Option<Id>> {
        Ok(self
            .state()
            .tickets
            .remove(hash)
            .filter(|ticket| ticket.expires_at > now)
            .map(|ticket| ticket.session_id))
    }
}

#[async_trait]
impl LiveConnections for LiveHub {
    async fn attach(&self, session_id: Id, connection_id: &str) -> Result<Option<String>> {
        Ok(self
            .state()
            .by_session
            .insert(session_id, connection_id.to_string())
            .filter(|previous| previous != connection_id))
    }

    async fn detach(&self, session_id: Id, connection_id: &str) -> Result<()> {
        let mut state = self.state();
        if state.by_session.get(&session_id).map(String::as_str) == Some(connection_id) {
            state.by_session.remove(&session_id);
        }
        Ok(())
    }

    async fn connections_of(&self, session_ids: &[Id]) -> Result<HashMap<Id, String>> {
        let state = self.state();
        Ok(session_ids
            .iter()
            .filter_map(|id| state.by_session.get(id).map(|c| (*id, c.clone())))
            .collect())
    }
}

#[async_trait]
impl Push for LiveHub {
    async fn push(&self, connection_id: &str, frame: &str, kind: FrameKind) -> Result<bool> {
        let mut state = self.state();
        let Some(sender) = state.senders.get(connection_id) else {
            return Ok(false);
        };
        let outgoing = Outgoing::Frame {
            text: frame.to_string(),
            kind,
        };
        match sender.try_send(outgoing) {
            Ok(()) => Ok(true),
            // Too slow or gone: dropping the sender ends the socket task once it has written
            // what it holds; this and later events go to the inbox.
            Err(TrySendError::Full(_) | TrySendError::Closed(_)) => {
                state.senders.remove(connection_id);
                Ok(false)
            }
        }
    }

    async fn close(&self, connection_id: &str, code: u16, reason: &str) -> Result<()> {
        if let Some(sender) = self.state().senders.remove(connection_id) {
            let _ = sender.try_send(Outgoing::Close {
                code,
                reason: reason.to_string(),
            });
        }
        Ok(())
    }
}
