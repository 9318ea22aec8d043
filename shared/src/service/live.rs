//! The live channel's use cases: tickets, connecting, the frames a client sends, and ending a
//! session's connection.

use std::collections::HashSet;

use crate::domain::live::{
    CLOSE_REPLACED, CLOSE_SESSION_ENDED, ClientFrame, Signal, TICKET_TTL_MS, Ticket, TicketGrant,
    TicketRecord,
};
use crate::domain::{Error, Id, Result};
use crate::ports::FrameKind;

use super::{Caller, Services};

fn bad_ticket() -> Error {
    Error::Unauthorized("the ticket is missing, unknown, expired or used".to_string())
}

impl Services {
    /// A single-use ticket for the caller's session; `url` is where to open the socket.
    pub async fn issue_ticket(&self, caller: &Caller, url: String) -> Result<TicketGrant> {
        let ticket = Ticket::generate()?;
        let expires_at = self.ports.clock.now().plus_millis(TICKET_TTL_MS);
        self.ports
            .tickets
            .insert_ticket(&TicketRecord {
                hash: ticket.hash(),
                session_id: caller.session.id,
                expires_at,
            })
            .await?;
        Ok(TicketGrant {
            ticket: ticket.encode(),
            url,
            expires_at,
        })
    }

    /// Who a ticket lets in: 401 unless it is known, unused and unexpired, and its session is
    /// still live. The ticket is used up either way.
    pub async fn redeem_ticket(&self, ticket: Option<&str>) -> Result<Caller> {
        let hash = ticket.and_then(Ticket::hash_of).ok_or_else(bad_ticket)?;
        let now = self.ports.clock.now();
        let session_id = self
            .ports
            .tickets
            .take_ticket(&hash, now)
            .await?
            .ok_or_else(bad_ticket)?;
        let session = self
            .ports
            .sessions
            .session_by_id(session_id)
            .await?
            .filter(|record| record.session.is_live(now))
            .ok_or_else(bad_ticket)?
            .session;
        let user = self
            .ports
            .users
            .user_by_id(session.user_id)
            .await?
            .ok_or_else(bad_ticket)?;
        Ok(Caller { user, session })
    }

    /// The caller a live session stands for; `None` once the session has ended.
    pub async fn caller_of_session(&self, session_id: Id) -> Result<Option<Caller>> {
        let now = self.ports.clock.now();
        let Some(record) = self.ports.sessions.session_by_id(session_id).await? else {
            return Ok(None);
        };
        if !record.session.is_live(now) {
            return Ok(None);
        }
        let Some(user) = self.ports.users.user_by_id(record.session.user_id).await? else {
            return Ok(None);
        };
        Ok(Some(Caller {
            user,
            session: record.session,
        }))
    }

    /// Makes `connection_id` the session's live connection; the one it replaces is closed
    /// with 4000. From now on the session's events are pushed there.
    pub async fn attach_live(&self, session_id: Id, connection_id: &str) -> Result<()> {
        if let Some(previous) = self
            .ports
            .connections
            .attach(session_id, connection_id)
            .await?
        {
            self.ports
                .push
                .close(&previous, CLOSE_REPLACED, "replaced")
                .await?;
        }
        tracing::info!(%session_id, "live connection open");
        Ok(())
    }

    /// The connection is gone: the session's events go to its inbox again.
    pub async fn detach_live(&self, session_id: Id, connection_id: &str) -> Result<()> {
        self.ports
            .connections
            .detach(session_id, connection_id)
            .await?;
        tracing::info!(%session_id, "live connection closed");
        Ok(())
    }

    /// Closes a session's live connection, if it has one, with 4001: logout and expiry.
    pub(super) async fn end_live(&self, session_id: Id) -> Result<()> {
        let connections = self.ports.connections.connections_of(&[session_id]).await?;
        if let Some(connection) = connections.get(&session_id) {
            self.ports
                .connections
                .detach(session_id, connection)
                .await?;
            self.ports
                .push
                .close(connection, CLOSE_SESSION_ENDED, "session ended")
                .await?;
        }
        Ok(())
    }

    /// Handles a text frame from a client; returns what to answer on the same connection
    /// (an error is answered too, as an `error` frame, and the connection stays open).
    pub async fn live_frame(&self, caller: &Caller, text: &str) -> Result<Option<Signal>> {
        match ClientFrame::parse(text)? {
            ClientFrame::Ping => Ok(Some(Signal::Pong)),
            ClientFrame::Typing { group_id } => self.typing(caller, group_id).await.map(|()| None),
        }
    }

    /// Tells every other member's live connections that the caller is typing. Never stored,
    /// never queued: a connection that cannot take it simply misses it.
    async fn typing(&self, caller: &Caller, group_id: Id) -> Result<()> {
        self.membership(caller, group_id).await?;
        let others: Vec<Id> = self
            .member_ids(group_id)
            .await?
            .into_iter()
            .filter(|user_id| *user_id != caller.user.id)
            .collect();
        let frame = Signal::Typing {
            group_id,
            user_id: caller.user.id,
        }
        .to_json();
        let (sessions, _) = self.live_session_ids(&others).await;
        let connections = self.ports.connections.connections_of(&sessions).await?;
        let pushes: Vec<_> = connections
            .values()
            .map(|connection| self.ports.push.push(connection, &frame, FrameKind::Signal))
            .collect();
        crate::ports::bounded(pushes).await;
        Ok(())
    }

    /// Events that were on their way to a socket that closed go to the session's inbox.
    pub async fn requeue(&self, session_id: Id, bodies: &[String]) {
        for body in bodies {
            if let Err(error) = self.ports.inbox.deliver(session_id, body).await {
                tracing::warn!(%error, %session_id, "requeueing an unsent event failed");
            }
        }
    }

    /// Which of these users have a live connection now.
    pub(super) async fn online_users(&self, user_ids: &[Id]) -> Result<HashSet<Id>> {
        let now = self.ports.clock.now();
        let mut session_owner = std::collections::HashMap::new();
        for (user_id, sessions) in self
            .ports
            .sessions
            .live_sessions_of_users(user_ids, now)
            .await
        {
            for session in sessions? {
                session_owner.insert(session.id, user_id);
            }
        }
        let sessions: Vec<Id> = session_owner.keys().copied().collect();
        let connected = self.ports.connections.connections_of(&sessions).await?;
        Ok(connected
            .keys()
            .filter_map(|session| session_owner.get(session).copied())
            .collect())
    }

    /// The live sessions of these users, and how many users' look-ups failed (each logged
    /// and skipped).
    pub(super) async fn live_session_ids(&self, user_ids: &[Id]) -> (Vec<Id>, usize) {
        let now = self.ports.clock.now();
        let mut ids = Vec::new();
        let mut failed = 0;
        for (user_id, sessions) in self
            .ports
            .sessions
            .live_sessions_of_users(user_ids, now)
            .await
        {
            match sessions {
                Ok(sessions) => ids.extend(sessions.into_iter().map(|s| s.id)),
                Err(error) => {
                    failed += 1;
                    tracing::warn!(%error, %user_id, "session look-up failed");
                }
            }
        }
        (ids, failed)
    }
}
