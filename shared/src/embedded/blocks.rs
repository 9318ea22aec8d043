//! Blocks between users on SQLite.

use async_trait::async_trait;
use rusqlite::params;

use crate::domain::{Error, Id, Result};
use crate::ports::{BlockStore, MAX_BLOCKS};

use super::EmbeddedStore;

#[async_trait]
impl BlockStore for EmbeddedStore {
    async fn block(&self, blocker: Id, blocked: Id) -> Result<()> {
        let now = self.clock.now();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let count: i64 = tx
                .prepare_cached("SELECT COUNT(*) FROM blocks WHERE blocker = ?1")?
                .query_row([blocker], |row| row.get(0))?;
            if count >= MAX_BLOCKS as i64 {
                return Err(Error::Conflict(format!(
                    "you may block at most {MAX_BLOCKS} users"
                )));
            }
            tx.prepare_cached(
                "INSERT OR IGNORE INTO blocks (blocker, blocked, created_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![blocker, blocked, now])?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn unblock(&self, blocker: Id, blocked: Id) -> Result<()> {
        self.call(move |conn| {
            conn.prepare_cached("DELETE FROM blocks WHERE blocker = ?1 AND blocked = ?2")?
                .execute(params![blocker, blocked])?;
            Ok(())
        })
        .await
    }

    async fn blocked_by(&self, blocker: Id) -> Result<Vec<Id>> {
        self.call(move |conn| {
            let mut statement =
                conn.prepare_cached("SELECT blocked FROM blocks WHERE blocker = ?1")?;
            let rows = statement.query_map([blocker], |row| row.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn blockers_among(&self, candidates: &[Id], user: Id) -> Result<Vec<Id>> {
        let mut candidates = candidates.to_vec();
        candidates.sort();
        candidates.dedup();
        self.call(move |conn| {
            let mut statement =
                conn.prepare_cached("SELECT 1 FROM blocks WHERE blocked = ?1 AND blocker = ?2")?;
            let mut blockers = Vec::new();
            for candidate in candidates {
                if statement.exists(params![user, candidate])? {
                    blockers.push(candidate);
                }
            }
            Ok(blockers)
        })
        .await
    }
}
