//! The session sweeper: runs on a schedule and deletes expired sessions and their queues.
//! DynamoDB's TTL removes expired session items lazily (up to days later) and never the
//! queues, so this sweep is what keeps the account free of dead queues.

use chat_core::Result;
use chat_core::service::Services;

/// Sweeps page after page (one Scan going on from where it stopped) until the table is done,
/// at most `max_batches` pages per run (the next scheduled run starts over and takes the rest).
pub async fn sweep(services: &Services, max_batches: usize) -> Result<usize> {
    let mut swept = 0;
    let mut after = None;
    for _ in 0..max_batches {
        let (ended, next) = services.sweep_expired_sessions(after).await?;
        swept += ended;
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(swept)
}
