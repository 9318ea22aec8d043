use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Error, Id, Result, Timestamp};

pub const MAX_TEXT_BYTES: usize = 16_384;
pub const MAX_CLIENT_MSG_ID_CHARS: usize = 64;
pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Message {
    pub id: Uuid,
    pub group_id: Uuid,
    pub seq: i64,
    pub sender_id: Uuid,
    pub text: String,
    pub client_msg_id: String,
    pub sent_at: Timestamp,
}

/// A message before the store gives it its sequence number.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub id: Id,
    pub group_id: Id,
    pub sender_id: Id,
    pub text: String,
    pub client_msg_id: String,
    pub sent_at: Timestamp,
}

/// What the store did with a send: stored it, or found the original of a retry.
#[derive(Clone, Debug)]
pub struct Appended {
    pub message: Message,
    pub created: bool,
}

impl NewMessage {
    /// The message as stored, once the group's sequence gave it `seq`.
    pub fn stored_as(self, seq: i64) -> Message {
        Message {
            id: self.id,
            group_id: self.group_id,
            seq,
            sender_id: self.sender_id,
            text: self.text,
            client_msg_id: self.client_msg_id,
            sent_at: self.sent_at,
        }
    }
}

pub fn validate_text(text: &str) -> Result<()> {
    if text.is_empty() || text.len() > MAX_TEXT_BYTES {
        return Err(Error::Invalid(format!(
            "text must be 1 to {MAX_TEXT_BYTES} bytes"
        )));
    }
    if let Some(refused) = text.chars().find(|c| !is_deliverable(*c)) {
        return Err(Error::Invalid(format!(
            "text may not hold the character U+{:04X} (control characters other than tab and \
             line breaks, and the non-characters U+FFFE and U+FFFF)",
            refused as u32
        )));
    }
    Ok(())
}

/// What every transport carries: SQS refuses any other character in a message body, so a
/// text holding one would be stored and never delivered.
fn is_deliverable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

pub fn validate_client_msg_id(client_msg_id: &str) -> Result<()> {
    if client_msg_id.is_empty() || client_msg_id.chars().count() > MAX_CLIENT_MSG_ID_CHARS {
        return Err(Error::Invalid(format!(
            "client_msg_id must be 1 to {MAX_CLIENT_MSG_ID_CHARS} characters"
        )));
    }
    Ok(())
}

/// Which page of history: ascending `seq` always.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryQuery {
    /// The oldest messages above this seq.
    pub after: Option<i64>,
    /// The newest messages below this seq.
    pub before: Option<i64>,
    pub limit: u32,
}

impl HistoryQuery {
    pub fn new(after: Option<i64>, before: Option<i64>, limit: Option<u32>) -> Result<Self> {
        let limit = limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::Invalid(format!("limit must be 1 to {MAX_PAGE}")));
        }
        if after.is_some_and(|a| a < 0) || before.is_some_and(|b| b < 0) {
            return Err(Error::Invalid(
                "after and before must be 0 or more".to_string(),
            ));
        }
        Ok(HistoryQuery {
            after,
            before,
            limit,
        })
    }

    /// Paging forward from `after` reads oldest first; otherwise newest first.
    pub fn oldest_first(&self) -> bool {
        self.after.is_some()
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HistoryPage {
    pub messages: Vec<Message>,
    /// More messages exist beyond this page in the direction it was read.
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_refuses_what_a_queue_cannot_carry() {
        for fine in [
            "hi",
            "tab\tand\nlines\r\n",
            "emoji 🎉",
            "\u{E000}",
            "\u{FFFD}",
            "中文",
        ] {
            assert!(validate_text(fine).is_ok(), "{fine:?}");
        }
        for refused in [
            "\u{0}",
            "bell\u{7}",
            "\u{1F}",
            "\u{FFFE}",
            "x\u{FFFF}",
            "\u{8}",
        ] {
            assert!(validate_text(refused).is_err(), "{refused:?}");
        }
    }

    #[test]
    fn text_bounds_are_in_bytes() {
        assert!(validate_text("").is_err());
        assert!(validate_text(&"a".repeat(MAX_TEXT_BYTES)).is_ok());
        assert!(validate_text(&"a".repeat(MAX_TEXT_BYTES + 1)).is_err());
        // 4 bytes each: 4097 of them is over the byte limit though under it in characters.
        assert!(validate_text(&"😀".repeat(4097)).is_err());
    }

    #[test]
    fn history_limit_is_bounded() {
        assert!(HistoryQuery::new(None, None, Some(0)).is_err());
        assert!(HistoryQuery::new(None, None, Some(101)).is_err());
        assert_eq!(HistoryQuery::new(None, None, None).unwrap().limit, 50);
    }
}
