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
    /// Empty once the message is deleted.
    pub text: String,
    pub client_msg_id: String,
    pub sent_at: Timestamp,
    /// When the sender last changed the text; null if never.
    #[serde(default)]
    pub edited_at: Option<Timestamp>,
    /// A deleted message keeps its `seq` (history has no gaps) with no text, no reactions
    /// and no attachments.
    #[serde(default)]
    pub deleted: bool,
    /// The `seq` of the message this one answers, in the same group.
    #[serde(default)]
    pub reply_to: Option<i64>,
    /// Most-used first (then by emoji).
    #[serde(default)]
    pub reactions: Vec<Reaction>,
    /// Files sent with the message, in the order the sender named them.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// A file sent with a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    /// A download link valid for an hour, issued only to members (empty where stored).
    #[serde(default)]
    pub url: String,
}

/// An attachment as stored: who uploaded it to which group, and which send used it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub attachment: Attachment,
    pub group_id: Id,
    pub uploader_id: Id,
    pub created_at: Timestamp,
    /// The send that used it (`<sender>/<client_msg_id>`): it cannot go with another.
    pub used_by: Option<String>,
}

impl AttachmentRecord {
    /// Where its bytes are kept: `<group>/<attachment>`.
    pub fn file_key(&self) -> String {
        file_key(self.group_id, self.attachment.id)
    }
}

pub fn file_key(group_id: Id, attachment_id: Id) -> String {
    format!("{group_id}/{attachment_id}")
}

pub fn message_not_found() -> Error {
    Error::NotFound("message not found".to_string())
}

pub fn message_deleted() -> Error {
    Error::Conflict("the message is deleted".to_string())
}

/// Percent-encodes everything but RFC 3986's unreserved characters: for file names and
/// types in URLs and in `filename*=UTF-8''...` headers.
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// The most attachments of one message.
pub const MAX_ATTACHMENTS: usize = 10;
/// The largest file, unless configured otherwise.
pub const DEFAULT_MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;
/// What may be attached: images, PDF, plain text, common audio and video.
pub const ATTACHMENT_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "application/pdf",
    "text/plain",
    "audio/mpeg",
    "audio/mp4",
    "audio/aac",
    "audio/ogg",
    "audio/wav",
    "audio/webm",
    "video/mp4",
    "video/webm",
    "video/quicktime",
];

/// A file name of 1 to 255 characters without control characters or path separators, a
/// content type from [`ATTACHMENT_TYPES`], and a size of 1 byte to `max_bytes`.
pub fn validate_attachment(
    filename: &str,
    content_type: &str,
    size: u64,
    max_bytes: u64,
) -> Result<()> {
    let chars = filename.chars().count();
    if chars == 0
        || chars > 255
        || filename
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
        || filename == "."
        || filename == ".."
    {
        return Err(Error::Invalid(
            "filename must be 1 to 255 characters without control characters or slashes"
                .to_string(),
        ));
    }
    if !ATTACHMENT_TYPES.contains(&content_type) {
        return Err(Error::Invalid(format!(
            "content_type must be one of {}",
            ATTACHMENT_TYPES.join(", ")
        )));
    }
    if size == 0 || size > max_bytes {
        return Err(Error::Invalid(format!(
            "size must be 1 to {max_bytes} bytes"
        )));
    }
    Ok(())
}

/// One emoji's reactions to a message: how many, and who (at most [`MAX_REACTION_USERS`]
/// of them, the count exact).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reaction {
    pub emoji: String,
    pub count: u32,
    pub user_ids: Vec<Uuid>,
}

/// The most distinct emoji on one message.
pub const MAX_REACTION_KINDS: usize = 20;
/// The most user ids a reaction lists (its count is exact however many reacted).
pub const MAX_REACTION_USERS: usize = 50;
/// The most bytes of one reaction's emoji.
pub const MAX_EMOJI_BYTES: usize = 16;

/// Orders a message's reactions as every adapter returns them: most-used first, then by
/// emoji; each one's users in id order (time order for v7 ids), at most
/// [`MAX_REACTION_USERS`].
pub fn ordered_reactions(mut reactions: Vec<Reaction>) -> Vec<Reaction> {
    for reaction in &mut reactions {
        reaction.user_ids.sort();
        reaction.user_ids.truncate(MAX_REACTION_USERS);
    }
    reactions.retain(|r| r.count > 0);
    reactions.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.emoji.cmp(&b.emoji)));
    reactions
}

/// One emoji: a single grapheme cluster of at most [`MAX_EMOJI_BYTES`] bytes that starts
/// with a pictograph, a regional indicator (flags) or a keycap base followed by U+20E3.
pub fn validate_emoji(emoji: &str) -> Result<()> {
    use unicode_segmentation::UnicodeSegmentation;
    let invalid = || {
        Error::Invalid(format!(
            "emoji must be one emoji of at most {MAX_EMOJI_BYTES} bytes"
        ))
    };
    if emoji.is_empty() || emoji.len() > MAX_EMOJI_BYTES || emoji.graphemes(true).count() != 1 {
        return Err(invalid());
    }
    let mut chars = emoji.chars();
    let first = chars.next().ok_or_else(invalid)?;
    let keycap = matches!(first, '0'..='9' | '#' | '*') && emoji.ends_with('\u{20E3}');
    if keycap || is_pictographic(first) {
        Ok(())
    } else {
        Err(invalid())
    }
}

/// The ranges of Unicode's Extended_Pictographic property that hold emoji, and the
/// regional indicators.
fn is_pictographic(c: char) -> bool {
    matches!(c as u32,
        0xA9 | 0xAE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x21AA | 0x231A..=0x23FF
        | 0x24C2 | 0x25AA..=0x27BF | 0x2934..=0x2935 | 0x2B05..=0x2B55 | 0x3030 | 0x303D
        | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF)
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
    pub reply_to: Option<i64>,
    /// As stored, without links.
    pub attachments: Vec<Attachment>,
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
            edited_at: None,
            deleted: false,
            reply_to: self.reply_to,
            reactions: Vec::new(),
            attachments: self.attachments,
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

    #[test]
    fn one_emoji_of_at_most_16_bytes_is_a_reaction_and_nothing_else_is() {
        for emoji in ["👍", "❤️", "❤", "👩‍💻", "🇫🇷", "1️⃣", "#️⃣", "👍🏽", "©️"]
        {
            assert!(validate_emoji(emoji).is_ok(), "{emoji}");
        }
        for refused in [
            "",
            "a",
            "1",
            "👍👍",
            " 👍",
            "👍 ",
            "x👍",
            "👨‍👩‍👧",
            "ab",
            "\u{20E3}",
            "é",
        ] {
            assert!(validate_emoji(refused).is_err(), "{refused:?}");
        }
    }

    #[test]
    fn reactions_come_most_used_first_with_at_most_50_users_listed() {
        let users: Vec<Uuid> = (0..60).map(|_| crate::domain::new_id()).collect();
        let ordered = ordered_reactions(vec![
            Reaction {
                emoji: "b".into(),
                count: 2,
                user_ids: users[..2].to_vec(),
            },
            Reaction {
                emoji: "a".into(),
                count: 2,
                user_ids: users[..2].to_vec(),
            },
            Reaction {
                emoji: "c".into(),
                count: 60,
                user_ids: users.iter().rev().copied().collect(),
            },
            Reaction {
                emoji: "d".into(),
                count: 0,
                user_ids: Vec::new(),
            },
        ]);
        let shape: Vec<(&str, u32, usize)> = ordered
            .iter()
            .map(|r| (r.emoji.as_str(), r.count, r.user_ids.len()))
            .collect();
        assert_eq!(shape, [("c", 60, 50), ("a", 2, 2), ("b", 2, 2)]);
        assert_eq!(ordered[0].user_ids, users[..50]);
    }
}
