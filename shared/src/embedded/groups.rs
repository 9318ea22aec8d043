//! Groups and their members on SQLite.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, params};

use crate::domain::group::{
    Group, GroupKind, GroupRole, MAX_GROUP_MEMBERS, Member, MemberRecord, UserGroup, group_full,
};
use crate::domain::money::Idempotency;
use crate::domain::{Error, Id, Result};
use crate::ports::GroupStore;

use super::money::{idempotent_result, remember};
use super::{EmbeddedStore, conflict_on_unique, text_enum};

const MEMBER_COLUMNS: &str = "m.group_id, m.user_id, m.role, m.joined_at, m.hidden_seq";

const GROUP_COLUMNS: &str = "g.id, g.kind, g.name, g.created_by, g.created_at, g.last_seq";

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
        hidden_seq: row.get(at + 4)?,
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
            // One transaction stores all or nothing: a group stored is a group complete.
            if tx
                .prepare_cached("SELECT 1 FROM chat_groups WHERE id = ?1")?
                .exists([group.id])?
            {
                return Ok(());
            }
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

    async fn claim_creation_key(&self, idempotency: &Idempotency, group_id: Id) -> Result<Id> {
        let idempotency = idempotency.clone();
        let now = self.clock.now();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let bound = match idempotent_result(&tx, &idempotency)? {
                Some(bound) => bound,
                None => {
                    remember(&tx, &idempotency, group_id, now)?;
                    group_id
                }
            };
            tx.commit()?;
            Ok(bound)
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
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let members: i64 = tx
                .prepare_cached("SELECT COUNT(*) FROM members WHERE group_id = ?1")?
                .query_row([group_id], |row| row.get(0))?;
            if members >= MAX_GROUP_MEMBERS as i64 {
                return Err(group_full());
            }
            insert_member_row(&tx, group_id, &member)?;
            tx.commit()?;
            Ok(())
        })
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

    async fn groups_of_user(&self, user_id: Id) -> Result<Vec<UserGroup>> {
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {GROUP_COLUMNS}, {MEMBER_COLUMNS}, m.read_seq FROM members m
                 JOIN chat_groups g ON g.id = m.group_id WHERE m.user_id = ?1"
            ))?;
            let rows = statement.query_map([user_id], |row| {
                Ok(UserGroup {
                    group: group_from_row(row)?,
                    membership: member_from_row(row, 6)?,
                    read_seq: row.get(11)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn set_hidden(&self, group_id: Id, user_id: Id, hidden_seq: Option<i64>) -> Result<()> {
        self.call(move |conn| {
            let updated = conn
                .prepare_cached(
                    "UPDATE members SET hidden_seq = ?3 WHERE group_id = ?1 AND user_id = ?2",
                )?
                .execute(params![group_id, user_id, hidden_seq])?;
            if updated == 0 {
                return Err(Error::NotFound("group not found".to_string()));
            }
            Ok(())
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
