//! The session sweeper: runs on a schedule and deletes expired sessions and their queues.
//! DynamoDB's TTL removes expired session items lazily (up to days later) and never the
//! queues, so this sweep is what keeps the account free of dead queues: it also deletes
//! queues whose session item is gone without them.

use chat_core::Result;
use chat_core::service::Services;

/// What one run swept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Expired sessions ended, with their queues.
    pub sessions: usize,
    /// Queues deleted because no session item named them any more.
    pub orphaned_inboxes: usize,
}

/// Sweeps page after page (one Scan going on from where it stopped) until the table is done,
/// then the queues (one listing going on the same way); at most `max_batches` pages of each
/// per run (the next scheduled run starts over and takes the rest).
pub async fn sweep(services: &Services, max_batches: usize) -> Result<Swept> {
    let mut swept = Swept::default();
    let mut after = None;
    for _ in 0..max_batches {
        let (ended, next) = services.sweep_expired_sessions(after).await?;
        swept.sessions += ended;
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let mut after = None;
    for _ in 0..max_batches {
        let (deleted, next) = services.sweep_orphan_inboxes(after).await?;
        swept.orphaned_inboxes += deleted;
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(swept)
}
