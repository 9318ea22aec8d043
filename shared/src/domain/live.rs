//! The live channel: tickets that open a WebSocket for a session, and the frames that travel
//! on it. Events themselves are the same JSON objects a poll returns.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Error, Id, Result, Timestamp};

/// How long a ticket may be used: long enough to open a socket, too short to be worth stealing.
pub const TICKET_TTL_MS: i64 = 30_000;

/// Close code: another connection of the same session took this one's place.
pub const CLOSE_REPLACED: u16 = 4000;
/// Close code: the session ended (logout or expiry).
pub const CLOSE_SESSION_ENDED: u16 = 4001;

/// A single-use ticket: 256 random bits, shown once; only its SHA-256 is stored.
pub struct Ticket {
    secret: [u8; 32],
}

impl Ticket {
    pub fn generate() -> Result<Ticket> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(Error::internal)?;
        Ok(Ticket { secret })
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.secret)
    }

    /// The stored form of a ticket as a client shows it; `None` for anything malformed.
    pub fn hash_of(text: &str) -> Option<[u8; 32]> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let secret: [u8; 32] = bytes.try_into().ok()?;
        Some(Sha256::digest(secret).into())
    }

    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.secret).into()
    }
}

/// What the store keeps of a ticket until it is used or expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRecord {
    pub hash: [u8; 32],
    pub session_id: Id,
    pub expires_at: Timestamp,
}

/// `POST /live/tickets`: where and with what to connect.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TicketGrant {
    /// Single use, for the caller's session, until `expires_at`.
    pub ticket: String,
    /// The WebSocket URL to open with `?ticket=<ticket>`.
    pub url: String,
    pub expires_at: Timestamp,
}

/// What a client sends on the live channel.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Answered with a pong; after it, the connection receives pushes.
    Ping,
    /// Tells the group's other members' live connections that the caller is typing.
    Typing { group_id: Uuid },
}

impl ClientFrame {
    /// A text frame from a client; a malformed or unknown one is `Invalid`, with the reason.
    pub fn parse(text: &str) -> Result<ClientFrame> {
        serde_json::from_str(text)
            .map_err(|e| Error::Invalid(format!("not a frame this channel knows: {e}")))
    }
}

/// What the server sends on the live channel besides events. Never stored, never queued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Signal {
    Pong,
    Typing { group_id: Uuid, user_id: Uuid },
    Error { code: String, message: String },
}

impl Signal {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"type":"error"}"#.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_hashes_the_same_from_its_text_and_nothing_else_does() {
        let ticket = Ticket::generate().unwrap();
        assert_eq!(Ticket::hash_of(&ticket.encode()), Some(ticket.hash()));
        let other = Ticket::generate().unwrap();
        assert_ne!(other.hash(), ticket.hash());
        for garbage in ["", "abc", "!!!!", &"A".repeat(44)] {
            assert_ne!(Ticket::hash_of(garbage), Some(ticket.hash()), "{garbage}");
        }
        assert_eq!(Ticket::hash_of("not base64 at all"), None);
    }

    #[test]
    fn client_frames_parse_and_anything_else_is_invalid() {
        assert_eq!(
            ClientFrame::parse(r#"{"action":"ping"}"#).unwrap(),
            ClientFrame::Ping
        );
        let group_id = crate::domain::new_id();
        assert_eq!(
            ClientFrame::parse(&format!(r#"{{"action":"typing","group_id":"{group_id}"}}"#))
                .unwrap(),
            ClientFrame::Typing { group_id }
        );
        for bad in [
            "",
            "ping",
            "[]",
            r#"{"action":"dance"}"#,
            r#"{"action":"typing"}"#,
            r#"{"action":"typing","group_id":"nope"}"#,
        ] {
            assert!(
                matches!(ClientFrame::parse(bad), Err(Error::Invalid(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn signals_are_tagged_by_type() {
        assert_eq!(Signal::Pong.to_json(), r#"{"type":"pong"}"#);
        let error = Signal::Error {
            code: "invalid_request".into(),
            message: "x".into(),
        };
        assert_eq!(
            error.to_json(),
            r#"{"type":"error","code":"invalid_request","message":"x"}"#
        );
    }
}
