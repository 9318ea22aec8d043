//! Messages and history on SQLite.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, params};

use crate::domain::message::{
    Appended, Attachment, AttachmentRecord, HistoryPage, HistoryQuery, MAX_REACTION_KINDS, Message,
    NewMessage, Reaction, message_deleted, message_not_found, ordered_reactions,
};
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::{AttachmentStore, MessageStore};

use super::EmbeddedStore;

const MESSAGE_COLUMNS: &str = "id, group_id, seq, sender_id, text, client_msg_id, sent_at, \
     edited_at, deleted, reply_to, attachments";

/// A message without its reactions (see [`with_reactions`]).
fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        id: row.get(0)?,
        group_id: row.get(1)?,
        seq: row.get(2)?,
        sender_id: row.get(3)?,
        text: row.get(4)?,
        client_msg_id: row.get(5)?,
        sent_at: row.get(6)?,
        edited_at: row.get(7)?,
        deleted: row.get(8)?,
        reply_to: row.get(9)?,
        reactions: Vec::new(),
        attachments: serde_json::from_str(&row.get::<_, String>(10)?).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(10, rusqlite::types::Type::Text, e.into())
        })?,
    })
}

/// Fills in the reactions of messages of one group.
fn with_reactions(conn: &rusqlite::Connection, messages: &mut [Message]) -> Result<()> {
    let (Some(first), Some(last)) = (messages.first(), messages.last()) else {
        return Ok(());
    };
    let (group_id, low, high) = (
        first.group_id,
        first.seq.min(last.seq),
        first.seq.max(last.seq),
    );
    let mut statement = conn.prepare_cached(
        "SELECT seq, emoji, user_id FROM reactions
         WHERE group_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq, emoji, user_id",
    )?;
    let rows = statement.query_map(params![group_id, low, high], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Id>(2)?,
        ))
    })?;
    let mut by_seq: std::collections::HashMap<i64, Vec<Reaction>> = Default::default();
    for row in rows {
        let (seq, emoji, user_id) = row?;
        let reactions = by_seq.entry(seq).or_default();
        match reactions.iter_mut().find(|r| r.emoji == emoji) {
            Some(reaction) => {
                reaction.count += 1;
                reaction.user_ids.push(user_id);
            }
            None => reactions.push(Reaction {
                emoji,
                count: 1,
                user_ids: vec![user_id],
            }),
        }
    }
    for message in messages {
        if let Some(reactions) = by_seq.remove(&message.seq) {
            message.reactions = ordered_reactions(reactions);
        }
    }
    Ok(())
}

fn message_in(conn: &rusqlite::Connection, group_id: Id, seq: i64) -> Result<Option<Message>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE group_id = ?1 AND seq = ?2"
        ))?
        .query_row(params![group_id, seq], message_from_row)
        .optional()?;
    match found {
        Some(message) => {
            let mut one = [message];
            with_reactions(conn, &mut one)?;
            let [message] = one;
            Ok(Some(message))
        }
        None => Ok(None),
    }
}

#[async_trait]
impl MessageStore for EmbeddedStore {
    // The sequence comes from the group row inside one transaction: the hint is not needed.
    async fn append_message(&self, message: &NewMessage, _last_seq_seen: i64) -> Result<Appended> {
        let new = message.clone();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let original = tx
                .prepare_cached(&format!(
                        "SELECT {MESSAGE_COLUMNS} FROM messages
                         WHERE group_id = ?1 AND sender_id = ?2 AND client_msg_id = ?3"
                    ))?
.query_row(params![new.group_id, new.sender_id, new.client_msg_id],
                    message_from_row,
                )
                .optional()?;
            if let Some(message) = original {
                return Ok(Appended {
                    message: message_in(&tx, message.group_id, message.seq)?.unwrap_or(message),
                    created: false,
                });
            }
            let seq: i64 = tx
                .prepare_cached("UPDATE chat_groups SET last_seq = last_seq + 1 WHERE id = ?1 RETURNING last_seq")?
.query_row([new.group_id],
                    |row| row.get(0),
                )
                .optional()?
                .ok_or_else(|| Error::NotFound("group not found".to_string()))?;
            // The sender's read mark moves to its own message; no member, no message.
            let member = tx
                .prepare_cached("UPDATE members SET read_seq = ?3 WHERE group_id = ?1 AND user_id = ?2")?
                .execute(params![new.group_id, new.sender_id, seq])?;
            if member == 0 {
                return Err(Error::NotFound("group not found".to_string()));
            }
            tx.execute(
                "INSERT INTO messages (id, group_id, seq, sender_id, text, client_msg_id, sent_at, reply_to, attachments)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    new.id,
                    new.group_id,
                    seq,
                    new.sender_id,
                    new.text,
                    new.client_msg_id,
                    new.sent_at,
                    new.reply_to,
                    serde_json::to_string(&new.attachments).map_err(Error::internal)?
                ],
            )?;
            tx.commit()?;
            Ok(Appended {
                message: new.stored_as(seq),
                created: true,
            })
        })
        .await
    }

    async fn history(&self, group_id: Id, query: HistoryQuery) -> Result<HistoryPage> {
        self.call(move |conn| {
            let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
            let before = query.before.unwrap_or(i64::MAX);
            let (sql, lower) = if let Some(after) = query.after {
                (
                    format!(
                        "SELECT {MESSAGE_COLUMNS} FROM messages
                         WHERE group_id = ?1 AND seq > ?2 AND seq < ?3 ORDER BY seq ASC LIMIT ?4"
                    ),
                    after,
                )
            } else {
                (
                    format!(
                        "SELECT {MESSAGE_COLUMNS} FROM messages
                         WHERE group_id = ?1 AND seq > ?2 AND seq < ?3 ORDER BY seq DESC LIMIT ?4"
                    ),
                    0,
                )
            };
            let mut statement = conn.prepare_cached(&sql)?;
            let rows = statement.query_map(
                params![group_id, lower, before, i64::from(query.limit) + 1],
                message_from_row,
            )?;
            let mut messages: Vec<Message> = rows.collect::<rusqlite::Result<_>>()?;
            let has_more = messages.len() > limit;
            messages.truncate(limit);
            if !query.oldest_first() {
                messages.reverse();
            }
            with_reactions(conn, &mut messages)?;
            Ok(HistoryPage { messages, has_more })
        })
        .await
    }

    async fn message_at(&self, group_id: Id, seq: i64) -> Result<Option<Message>> {
        self.call(move |conn| message_in(conn, group_id, seq)).await
    }

    async fn edit_message(
        &self,
        group_id: Id,
        seq: i64,
        text: &str,
        at: Timestamp,
    ) -> Result<(Message, bool)> {
        let text = text.to_string();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let message = message_in(&tx, group_id, seq)?.ok_or_else(message_not_found)?;
            if message.deleted {
                return Err(message_deleted());
            }
            if message.text == text {
                return Ok((message, false));
            }
            tx.execute(
                "UPDATE messages SET text = ?3, edited_at = ?4 WHERE group_id = ?1 AND seq = ?2",
                params![group_id, seq, text, at],
            )?;
            let edited = message_in(&tx, group_id, seq)?.ok_or_else(message_not_found)?;
            tx.commit()?;
            Ok((edited, true))
        })
        .await
    }

    async fn delete_message(&self, group_id: Id, seq: i64) -> Result<bool> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let message = message_in(&tx, group_id, seq)?.ok_or_else(message_not_found)?;
            if message.deleted {
                return Ok(false);
            }
            tx.execute(
                "UPDATE messages SET text = '', deleted = 1, attachments = '[]'
                 WHERE group_id = ?1 AND seq = ?2",
                params![group_id, seq],
            )?;
            tx.execute(
                "DELETE FROM reactions WHERE group_id = ?1 AND seq = ?2",
                params![group_id, seq],
            )?;
            tx.commit()?;
            Ok(true)
        })
        .await
    }

    async fn set_reaction(
        &self,
        group_id: Id,
        seq: i64,
        emoji: &str,
        user_id: Id,
        on: bool,
    ) -> Result<(Message, bool)> {
        let emoji = emoji.to_string();
        let now = self.clock.now();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let message = message_in(&tx, group_id, seq)?.ok_or_else(message_not_found)?;
            if message.deleted {
                return Err(message_deleted());
            }
            let changed = if on {
                if message.reactions.len() >= MAX_REACTION_KINDS
                    && !message.reactions.iter().any(|r| r.emoji == emoji)
                {
                    return Err(Error::Conflict(format!(
                        "a message has at most {MAX_REACTION_KINDS} different reactions"
                    )));
                }
                tx.execute(
                    "INSERT OR IGNORE INTO reactions (group_id, seq, emoji, user_id, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![group_id, seq, emoji, user_id, now],
                )?
            } else {
                tx.execute(
                    "DELETE FROM reactions WHERE group_id = ?1 AND seq = ?2 AND emoji = ?3 AND user_id = ?4",
                    params![group_id, seq, emoji, user_id],
                )?
            };
            let after = message_in(&tx, group_id, seq)?.ok_or_else(message_not_found)?;
            tx.commit()?;
            Ok((after, changed > 0))
        })
        .await
    }
}

#[async_trait]
impl AttachmentStore for EmbeddedStore {
    async fn insert_attachment(&self, record: &AttachmentRecord) -> Result<()> {
        let record = record.clone();
        self.call(move |conn| {
            conn.execute(
                "INSERT INTO attachments (id, group_id, uploader_id, filename, content_type, size, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    record.attachment.id,
                    record.group_id,
                    record.uploader_id,
                    record.attachment.filename,
                    record.attachment.content_type,
                    i64::try_from(record.attachment.size).map_err(Error::internal)?,
                    record.created_at
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn attachment(&self, id: Id) -> Result<Option<AttachmentRecord>> {
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT id, filename, content_type, size, group_id, uploader_id, created_at, used_by
                     FROM attachments WHERE id = ?1",
                )?
                .query_row([id], |row| {
                    Ok(AttachmentRecord {
                        attachment: Attachment {
                            id: row.get(0)?,
                            filename: row.get(1)?,
                            content_type: row.get(2)?,
                            size: u64::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
                            url: String::new(),
                        },
                        group_id: row.get(4)?,
                        uploader_id: row.get(5)?,
                        created_at: row.get(6)?,
                        used_by: row.get(7)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    async fn claim_attachment(&self, id: Id, claim: &str) -> Result<()> {
        let claim = claim.to_string();
        self.call(move |conn| {
            let updated = conn
                .prepare_cached(
                    "UPDATE attachments SET used_by = ?2
                     WHERE id = ?1 AND (used_by IS NULL OR used_by = ?2)",
                )?
                .execute(params![id, claim])?;
            if updated == 0 {
                return Err(Error::Conflict(
                    "the attachment is in another message".to_string(),
                ));
            }
            Ok(())
        })
        .await
    }
}
