//! Messages and history on SQLite.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, params};

use crate::domain::message::{Appended, HistoryPage, HistoryQuery, Message, NewMessage};
use crate::domain::{Error, Id, Result};
use crate::ports::MessageStore;

use super::EmbeddedStore;

const MESSAGE_COLUMNS: &str = "id, group_id, seq, sender_id, text, client_msg_id, sent_at";

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        id: row.get(0)?,
        group_id: row.get(1)?,
        seq: row.get(2)?,
        sender_id: row.get(3)?,
        text: row.get(4)?,
        client_msg_id: row.get(5)?,
        sent_at: row.get(6)?,
    })
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
                    message,
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
                "INSERT INTO messages (id, group_id, seq, sender_id, text, client_msg_id, sent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    new.id,
                    new.group_id,
                    seq,
                    new.sender_id,
                    new.text,
                    new.client_msg_id,
                    new.sent_at
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
            Ok(HistoryPage { messages, has_more })
        })
        .await
    }
}
