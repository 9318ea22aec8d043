use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::domain::page::{Page, PageRequest};
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::{Delivery, Inbox};

use super::{EmbeddedStore, RECEIVE_BATCH};

fn no_inbox() -> Error {
    Error::NotFound("this session has no inbox".to_string())
}

fn inbox_exists(conn: &Connection, session_id: Id) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM inboxes WHERE session_id = ?1")?
        .query_row([session_id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn new_receipt_nonce() -> Result<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(Error::internal)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What one look into an inbox found: the entries taken, and when the next hidden one
/// becomes visible again.
struct Taken {
    deliveries: Vec<Delivery>,
    next_visible: Option<Timestamp>,
}

impl EmbeddedStore {
    fn waker(&self, session_id: Id) -> Arc<Notify> {
        let mut wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        wakers.entry(session_id).or_default().clone()
    }

    fn wake(&self, session_id: Id) {
        let wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(waker) = wakers.get(&session_id) {
            waker.notify_waiters();
        }
    }

    async fn take_visible(&self, session_id: Id) -> Result<Taken> {
        let now = self.clock.now();
        let hidden_until = now.plus_millis(self.visibility_ms);
        self.call(move |conn| {
            let tx = conn.transaction()?;
            if !inbox_exists(&tx, session_id)? {
                return Err(no_inbox());
            }
            let visible: Vec<(i64, String)> = {
                let mut statement = tx.prepare_cached(
                    "SELECT id, body FROM inbox_entries WHERE session_id = ?1 AND visible_at <= ?2
                     ORDER BY id LIMIT ?3",
                )?;
                let rows = statement.query_map(
                    params![session_id, now, RECEIVE_BATCH as i64],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut deliveries = Vec::with_capacity(visible.len());
            for (id, body) in visible {
                let nonce = new_receipt_nonce()?;
                tx.execute(
                    "UPDATE inbox_entries SET visible_at = ?2, receipt = ?3 WHERE id = ?1",
                    params![id, hidden_until, nonce],
                )?;
                deliveries.push(Delivery {
                    receipt: format!("{id}:{nonce}"),
                    body,
                });
            }
            let next_visible: Option<Timestamp> = tx.prepare_cached("SELECT MIN(visible_at) FROM inbox_entries WHERE session_id = ?1 AND visible_at > ?2")?
.query_row(params![session_id, now],
                |row| row.get(0),
            )?;
            tx.commit()?;
            Ok(Taken {
                deliveries,
                next_visible,
            })
        })
        .await
    }
}

#[async_trait]
impl Inbox for EmbeddedStore {
    async fn create_inbox(&self, session_id: Id) -> Result<()> {
        let now = self.clock.now();
        self.call(move |conn| {
            conn.execute(
                "INSERT OR IGNORE INTO inboxes (session_id, created_at) VALUES (?1, ?2)",
                params![session_id, now],
            )?;
            Ok(())
        })
        .await
    }

    async fn inboxes(&self, page: &PageRequest) -> Result<Page<Id>> {
        let after = match &page.after {
            Some(cursor) => cursor
                .parse::<Id>()
                .map_err(|_| Error::Invalid("not a cursor of this list".to_string()))?,
            None => Id::nil(),
        };
        let limit = page.limit;
        self.call(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT session_id FROM inboxes WHERE session_id > ?1
                 ORDER BY session_id LIMIT ?2",
            )?;
            let found = statement
                .query_map(params![after, limit as i64 + 1], |row| row.get::<_, Id>(0))?
                .collect::<rusqlite::Result<Vec<Id>>>()?;
            Ok(Page::from_one_extra(found, limit, |id| id.to_string()))
        })
        .await
    }

    async fn delete_inbox(&self, session_id: Id) -> Result<()> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            tx.execute(
                "DELETE FROM inbox_entries WHERE session_id = ?1",
                [session_id],
            )?;
            tx.prepare_cached("DELETE FROM inboxes WHERE session_id = ?1")?
                .execute([session_id])?;
            tx.commit()?;
            Ok(())
        })
        .await?;
        // A poll still waiting on this inbox wakes, finds it gone and returns.
        self.wake(session_id);
        let mut wakers = self.wakers.lock().unwrap_or_else(|e| e.into_inner());
        wakers.remove(&session_id);
        self.polls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&session_id);
        Ok(())
    }

    async fn deliver(&self, session_id: Id, body: &str) -> Result<()> {
        let body = body.to_string();
        let now = self.clock.now();
        self.call(move |conn| {
            if !inbox_exists(conn, session_id)? {
                return Err(no_inbox());
            }
            conn.execute(
                "INSERT INTO inbox_entries (session_id, body, visible_at) VALUES (?1, ?2, ?3)",
                params![session_id, body, now],
            )?;
            Ok(())
        })
        .await?;
        self.wake(session_id);
        Ok(())
    }

    /// One transaction for every inbox, then the wake-ups.
    async fn deliver_to_each(&self, session_ids: &[Id], body: &str) -> Vec<(Id, Result<()>)> {
        let (ids, body) = (session_ids.to_vec(), body.to_string());
        let now = self.clock.now();
        let outcome = self
            .call(move |conn| {
                let tx = conn.transaction()?;
                let mut outcomes = Vec::with_capacity(ids.len());
                {
                    let mut insert = tx.prepare_cached(
                        "INSERT INTO inbox_entries (session_id, body, visible_at) VALUES (?1, ?2, ?3)",
                    )?;
                    for id in ids {
                        if inbox_exists(&tx, id)? {
                            insert.execute(params![id, body, now])?;
                            outcomes.push((id, Ok(())));
                        } else {
                            outcomes.push((id, Err(no_inbox())));
                        }
                    }
                }
                tx.commit()?;
                Ok(outcomes)
            })
            .await;
        match outcome {
            Ok(outcomes) => {
                for (id, delivered) in &outcomes {
                    if delivered.is_ok() {
                        self.wake(*id);
                    }
                }
                outcomes
            }
            Err(error) => session_ids
                .iter()
                .map(|id| (*id, Err(error.clone())))
                .collect(),
        }
    }

    async fn receive(&self, session_id: Id, wait: Duration) -> Result<Vec<Delivery>> {
        let deadline = Instant::now() + wait;
        let waker = self.waker(session_id);
        let mut closing = self.closing.subscribe();
        loop {
            // Registered before looking, so a delivery between the look and the wait still
            // wakes this poll.
            let notified = waker.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();

            let taken = self.take_visible(session_id).await?;
            if !taken.deliveries.is_empty() || *closing.borrow() {
                return Ok(taken.deliveries);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(Vec::new());
            }
            let mut wake_at = deadline;
            if let Some(next) = taken.next_visible {
                let in_ms = next.millis_since(self.clock.now());
                wake_at =
                    wake_at.min(now + Duration::from_millis(u64::try_from(in_ms).unwrap_or(0)));
            }
            tokio::select! {
                _ = &mut notified => {}
                _ = tokio::time::sleep_until(wake_at) => {}
                _ = closing.changed() => return Ok(Vec::new()),
            }
        }
    }

    async fn begin_poll(&self, session_id: Id) -> Result<u64> {
        let mut polls = self.polls.lock().unwrap_or_else(|e| e.into_inner());
        let latest = polls
            .entry(session_id)
            .or_insert_with(|| tokio::sync::watch::channel(0).0);
        latest.send_modify(|n| *n += 1);
        Ok(*latest.borrow())
    }

    async fn is_latest_poll(&self, session_id: Id, poll: u64) -> Result<bool> {
        let polls = self.polls.lock().unwrap_or_else(|e| e.into_inner());
        Ok(polls
            .get(&session_id)
            .is_some_and(|latest| *latest.borrow() == poll))
    }

    async fn superseded(&self, session_id: Id, poll: u64) {
        let watching = self
            .polls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&session_id)
            .map(|latest| latest.subscribe());
        match watching {
            Some(mut latest) => {
                if latest.wait_for(|n| *n != poll).await.is_err() {
                    // The inbox was deleted: nothing left to wait for.
                }
            }
            None => std::future::pending::<()>().await,
        }
    }

    async fn acknowledge(&self, session_id: Id, receipts: &[String]) -> Result<()> {
        let mut parsed = Vec::with_capacity(receipts.len());
        for receipt in receipts {
            let (id, nonce) = receipt
                .split_once(':')
                .and_then(|(id, nonce)| Some((id.parse::<i64>().ok()?, nonce.to_string())))
                .ok_or_else(|| Error::Invalid("malformed receipt in ack".to_string()))?;
            parsed.push((id, nonce));
        }
        self.call(move |conn| {
            let tx = conn.transaction()?;
            {
                let mut statement = tx.prepare_cached(
                    "DELETE FROM inbox_entries WHERE id = ?1 AND session_id = ?2 AND receipt = ?3",
                )?;
                for (id, nonce) in &parsed {
                    statement.execute(params![id, session_id, nonce])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }
}
