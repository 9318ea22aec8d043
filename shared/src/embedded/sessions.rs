//! The session store on SQLite.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, params};

use crate::domain::page::{Page, PageRequest, parse_time_id_cursor};
use crate::domain::session::{Session, SessionRecord};
use crate::domain::{Id, Result, Timestamp};
use crate::ports::SessionStore;

use super::EmbeddedStore;

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

    async fn expired_sessions(&self, now: Timestamp, page: &PageRequest) -> Result<Page<Id>> {
        let (time, id) = match &page.after {
            Some(cursor) => parse_time_id_cursor(cursor)?,
            None => (i64::MIN, Id::nil()),
        };
        let limit = page.limit;
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT id, expires_at FROM sessions
                 WHERE expires_at <= ?1 AND (expires_at, id) > (?2, ?3)
                 ORDER BY expires_at, id LIMIT ?4",
            )?;
            let rows = statement.query_map(params![now, time, id, limit as i64 + 1], |row| {
                Ok((row.get::<_, Id>(0)?, row.get::<_, i64>(1)?))
            })?;
            let found: Vec<(Id, i64)> = rows.collect::<rusqlite::Result<_>>()?;
            let page = Page::from_one_extra(found, limit, |(id, at)| format!("{at}:{id}"));
            Ok(Page {
                items: page.items.into_iter().map(|(id, _)| id).collect(),
                next: page.next,
            })
        })
        .await
    }

    async fn missing_sessions(&self, ids: &[Id]) -> Result<Vec<Id>> {
        let ids = ids.to_vec();
        self.call(move |conn| {
            let mut statement = conn.prepare_cached("SELECT 1 FROM sessions WHERE id = ?1")?;
            let mut missing = Vec::new();
            for id in ids {
                if !statement.exists([id])? {
                    missing.push(id);
                }
            }
            Ok(missing)
        })
        .await
    }
}
