use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, params};

use crate::domain::group::{Group, GroupKind, GroupRole, Member, MemberRecord};
use crate::domain::message::{Appended, HistoryPage, HistoryQuery, Message, NewMessage};
use crate::domain::session::{Session, SessionRecord};
use crate::domain::user::{Role, User, UserRecord, username_key};
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::{GroupStore, MessageStore, SessionStore, UserStore};

use super::{EmbeddedStore, conflict_on_unique, text_enum};

const USER_COLUMNS: &str = "id, username, display_name, role, created_at, password_hash";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        user: User {
            id: row.get(0)?,
            username: row.get(1)?,
            display_name: row.get(2)?,
            role: text_enum(row, 3, Role::parse)?,
            created_at: row.get(4)?,
        },
        password_hash: row.get(5)?,
    })
}

#[async_trait]
impl UserStore for EmbeddedStore {
    async fn insert_user(&self, record: &UserRecord) -> Result<()> {
        let record = record.clone();
        self.call(move |conn| {
            let user = &record.user;
            conn.execute(
                "INSERT INTO users (id, username, username_key, display_name, role, password_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    user.id,
                    user.username,
                    username_key(&user.username),
                    user.display_name,
                    user.role.as_str(),
                    record.password_hash,
                    user.created_at
                ],
            )
            .map_err(|e| conflict_on_unique(e, "username is taken"))?;
            Ok(())
        })
        .await
    }

    async fn user_by_id(&self, id: Id) -> Result<Option<UserRecord>> {
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
                .query_row([id], user_from_row)
                .optional()?)
        })
        .await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        let key = username_key(username);
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE username_key = ?1"
                ))?
                .query_row([key], user_from_row)
                .optional()?)
        })
        .await
    }
}

const SESSION_COLUMNS: &str = "id, user_id, device, created_at, expires_at, secret_hash";

fn session_from_row(row: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    Ok(SessionRecord {
        session: Session {
            id: row.get(0)?,
            user_id: row.get(1)?,
            device: row.get(2)?,
            created_at: row.get(3)?,
            expires_at: row.get(4)?,
        },
        secret_hash: row.get(5)?,
    })
}

#[async_trait]
impl SessionStore for EmbeddedStore {
    async fn insert_session(&self, record: &SessionRecord) -> Result<()> {
        let record = record.clone();
        self.call(move |conn| {
            let s = &record.session;
            conn.execute(
                "INSERT INTO sessions (id, user_id, device, secret_hash, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    s.id,
                    s.user_id,
                    s.device,
                    record.secret_hash,
                    s.created_at,
                    s.expires_at
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn session_by_id(&self, id: Id) -> Result<Option<SessionRecord>> {
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"
                ))?
                .query_row([id], session_from_row)
                .optional()?)
        })
        .await
    }

    async fn delete_session(&self, id: Id) -> Result<()> {
        self.call(move |conn| {
            conn.prepare_cached("DELETE FROM sessions WHERE id = ?1")?
                .execute([id])?;
            Ok(())
        })
        .await
    }

    async fn live_sessions_of_user(&self, user_id: Id, now: Timestamp) -> Result<Vec<Session>> {
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ?1 AND expires_at > ?2"
            ))?;
            let rows = statement.query_map(params![user_id, now], session_from_row)?;
            Ok(rows
                .map(|r| r.map(|record| record.session))
                .collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    /// One query for all of them: SQLite answers in microseconds, so fewer round trips to
    /// the connection beat concurrency.
    async fn live_sessions_of_users(
        &self,
        user_ids: &[Id],
        now: Timestamp,
    ) -> Vec<(Id, Result<Vec<Session>>)> {
        let ids = user_ids.to_vec();
        let outcome = self
            .call(move |conn| {
                let mut statement = conn.prepare_cached(&format!(
                    "SELECT {SESSION_COLUMNS} FROM sessions WHERE user_id = ?1 AND expires_at > ?2"
                ))?;
                let mut found = Vec::with_capacity(ids.len());
                for id in &ids {
                    let rows = statement.query_map(params![id, now], session_from_row)?;
                    let sessions = rows
                        .map(|r| r.map(|record| record.session))
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    found.push((*id, sessions));
                }
                Ok(found)
            })
            .await;
        match outcome {
            Ok(found) => found.into_iter().map(|(id, s)| (id, Ok(s))).collect(),
            Err(error) => user_ids
                .iter()
                .map(|id| (*id, Err(error.clone())))
                .collect(),
        }
    }

    async fn expired_sessions(&self, now: Timestamp, limit: usize) -> Result<Vec<Session>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {SESSION_COLUMNS} FROM sessions WHERE expires_at <= ?1 LIMIT ?2"
            ))?;
            let rows = statement.query_map(params![now, limit], session_from_row)?;
            Ok(rows
                .map(|r| r.map(|record| record.session))
                .collect::<rusqlite::Result<_>>()?)
        })
        .await
    }
}

const GROUP_COLUMNS: &str = "g.id, g.kind, g.name, g.created_by, g.created_at, g.last_seq";
const MEMBER_COLUMNS: &str = "m.group_id, m.user_id, m.role, m.joined_at, m.read_seq";

fn group_from_row(row: &Row<'_>) -> rusqlite::Result<Group> {
    Ok(Group {
        id: row.get(0)?,
        kind: text_enum(row, 1, GroupKind::parse)?,
        name: row.get(2)?,
        created_by: row.get(3)?,
        created_at: row.get(4)?,
        last_seq: row.get(5)?,
    })
}

/// Reads a membership whose columns start at `at`.
fn member_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<MemberRecord> {
    Ok(MemberRecord {
        group_id: row.get(at)?,
        member: Member {
            user_id: row.get(at + 1)?,
            role: text_enum(row, at + 2, GroupRole::parse)?,
            joined_at: row.get(at + 3)?,
        },
        read_seq: row.get(at + 4)?,
    })
}

fn insert_member_row(conn: &rusqlite::Connection, group_id: Id, member: &Member) -> Result<()> {
    conn.execute(
        "INSERT INTO members (group_id, user_id, role, joined_at, read_seq) VALUES (?1, ?2, ?3, ?4, 0)",
        params![group_id, member.user_id, member.role.as_str(), member.joined_at],
    )
    .map_err(|e| conflict_on_unique(e, "already a member of this group"))?;
    Ok(())
}

#[async_trait]
impl GroupStore for EmbeddedStore {
    async fn insert_group(
        &self,
        group: &Group,
        members: &[Member],
        direct_key: Option<&str>,
    ) -> Result<()> {
        let (group, members) = (group.clone(), members.to_vec());
        let direct_key = direct_key.map(str::to_string);
        self.call(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO chat_groups (id, kind, name, created_by, created_at, last_seq, direct_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    group.id,
                    group.kind.as_str(),
                    group.name,
                    group.created_by,
                    group.created_at,
                    group.last_seq,
                    direct_key
                ],
            )
            .map_err(|e| conflict_on_unique(e, "this direct chat exists already"))?;
            for member in &members {
                insert_member_row(&tx, group.id, member)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn group_by_id(&self, id: Id) -> Result<Option<Group>> {
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {GROUP_COLUMNS} FROM chat_groups g WHERE g.id = ?1"
                ))?
                .query_row([id], group_from_row)
                .optional()?)
        })
        .await
    }

    async fn direct_group(&self, direct_key: &str) -> Result<Option<Group>> {
        let key = direct_key.to_string();
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {GROUP_COLUMNS} FROM chat_groups g WHERE g.direct_key = ?1"
                ))?
                .query_row([key], group_from_row)
                .optional()?)
        })
        .await
    }

    async fn rename_group(&self, id: Id, name: &str) -> Result<Group> {
        let name = name.to_string();
        self.call(move |conn| {
            conn.prepare_cached(
                "UPDATE chat_groups AS g SET name = ?2 WHERE g.id = ?1
                 RETURNING id, kind, name, created_by, created_at, last_seq",
            )?
            .query_row(params![id, name], group_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound("group not found".to_string()))
        })
        .await
    }

    async fn members(&self, group_id: Id) -> Result<Vec<MemberRecord>> {
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {MEMBER_COLUMNS} FROM members m WHERE m.group_id = ?1 ORDER BY m.joined_at, m.user_id"
            ))?;
            let rows = statement.query_map([group_id], |row| member_from_row(row, 0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn group_with_members(&self, group_id: Id) -> Result<Option<(Group, Vec<MemberRecord>)>> {
        let Some(group) = self.group_by_id(group_id).await? else {
            return Ok(None);
        };
        Ok(Some((group, self.members(group_id).await?)))
    }

    async fn member(&self, group_id: Id, user_id: Id) -> Result<Option<MemberRecord>> {
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                        "SELECT {MEMBER_COLUMNS} FROM members m WHERE m.group_id = ?1 AND m.user_id = ?2"
                    ))?
.query_row(params![group_id, user_id],
                    |row| member_from_row(row, 0),
                )
                .optional()?)
        })
        .await
    }

    async fn insert_member(&self, group_id: Id, member: &Member) -> Result<()> {
        let member = member.clone();
        self.call(move |conn| insert_member_row(conn, group_id, &member))
            .await
    }

    async fn delete_member(&self, group_id: Id, user_id: Id) -> Result<bool> {
        self.call(move |conn| {
            let deleted = conn.execute(
                "DELETE FROM members WHERE group_id = ?1 AND user_id = ?2",
                params![group_id, user_id],
            )?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn set_member_role(&self, group_id: Id, user_id: Id, role: GroupRole) -> Result<()> {
        self.call(move |conn| {
            conn.execute(
                "UPDATE members SET role = ?3 WHERE group_id = ?1 AND user_id = ?2",
                params![group_id, user_id, role.as_str()],
            )?;
            Ok(())
        })
        .await
    }

    async fn groups_of_user(&self, user_id: Id) -> Result<Vec<(Group, MemberRecord)>> {
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {GROUP_COLUMNS}, {MEMBER_COLUMNS} FROM members m
                 JOIN chat_groups g ON g.id = m.group_id WHERE m.user_id = ?1"
            ))?;
            let rows = statement.query_map([user_id], |row| {
                Ok((group_from_row(row)?, member_from_row(row, 6)?))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn advance_read_seq(&self, group_id: Id, user_id: Id, seq: i64) -> Result<i64> {
        self.call(move |conn| {
            conn.prepare_cached("UPDATE members SET read_seq = MAX(read_seq, ?3) WHERE group_id = ?1 AND user_id = ?2
                 RETURNING read_seq")?
.query_row(params![group_id, user_id, seq],
                |row| row.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NotFound("group not found".to_string()))
        })
        .await
    }
}

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
                message: Message {
                    id: new.id,
                    group_id: new.group_id,
                    seq,
                    sender_id: new.sender_id,
                    text: new.text,
                    client_msg_id: new.client_msg_id,
                    sent_at: new.sent_at,
                },
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

    async fn unread_count(&self, group_id: Id, user_id: Id, after_seq: i64) -> Result<u64> {
        self.call(move |conn| {
            let count: i64 = conn.prepare_cached("SELECT COUNT(*) FROM messages WHERE group_id = ?1 AND seq > ?2 AND sender_id <> ?3")?
.query_row(params![group_id, after_seq, user_id],
                |row| row.get(0),
            )?;
            Ok(u64::try_from(count).unwrap_or(0))
        })
        .await
    }
}
