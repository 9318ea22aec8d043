//! The session sweeper: runs on a schedule and deletes expired sessions and their queues.
//! DynamoDB's TTL removes expired session items lazily (up to days later) and never the
//! queues, so this sweep is what keeps the account free of dead queues.

use chat_core::Result;
use chat_core::service::Services;

/// Sweeps in batches until none are left, at most `max_batches` of them per run (the next
/// scheduled run takes the rest).
pub async fn sweep(services: &Services, max_batches: usize) -> Result<usize> {
    let mut swept = 0;
    for _ in 0..max_batches {
        let batch = services.sweep_expired_sessions().await?;
        swept += batch;
        if batch == 0 {
            break;
        }
    }
    Ok(swept)
}
