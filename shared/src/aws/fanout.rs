//! The fan-out worker's queue: jobs go out ten to a SendMessageBatch.

use async_trait::async_trait;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

use super::messages::back_off;
use super::{AwsAdapters, sdk_error};
use crate::domain::{Error, Result};
use crate::ports::{FanOutJob, FanOutQueue};

/// SQS takes at most ten messages in one batch, ...
const JOBS_PER_BATCH: usize = 10;
/// ... and at most 256 KiB in all (a job carries up to 100 ids and an event of up to ~40 KB).
const BATCH_BYTES: usize = 240 * 1024;
/// Tries of the entries a batch did not take (throttling, say) before giving up.
const BATCH_ATTEMPTS: usize = 4;

#[async_trait]
impl FanOutQueue for AwsAdapters {
    async fn enqueue(&self, jobs: &[FanOutJob]) -> Result<()> {
        let url = self
            .settings
            .fan_out_queue_url
            .as_deref()
            .ok_or_else(|| Error::internal("no fan-out queue is configured"))?;
        let bodies = jobs
            .iter()
            .map(|job| serde_json::to_string(job).map_err(Error::internal))
            .collect::<Result<Vec<String>>>()?;
        for batch in batches(&bodies) {
            let mut pending: Vec<SendMessageBatchRequestEntry> = batch
                .iter()
                .enumerate()
                .map(|(n, body)| {
                    SendMessageBatchRequestEntry::builder()
                        .id(n.to_string())
                        .message_body(*body)
                        .build()
                        .map_err(Error::internal)
                })
                .collect::<Result<_>>()?;
            for attempt in 0..BATCH_ATTEMPTS {
                if pending.is_empty() {
                    break;
                }
                if attempt > 0 {
                    back_off(attempt).await;
                }
                let output = self
                    .meter
                    .sqs(
                        self.sqs
                            .send_message_batch()
                            .queue_url(url)
                            .set_entries(Some(pending.clone()))
                            .send(),
                    )
                    .await
                    .map_err(sdk_error("SendMessageBatch fan-out"))?;
                let failed: Vec<&str> = output.failed().iter().map(|f| f.id()).collect();
                pending.retain(|entry| failed.contains(&entry.id()));
            }
            if !pending.is_empty() {
                return Err(Error::Unavailable(format!(
                    "{} fan-out jobs could not be queued",
                    pending.len()
                )));
            }
        }
        Ok(())
    }
}

/// The bodies in order, cut into batches SQS takes: at most [`JOBS_PER_BATCH`] and
/// [`BATCH_BYTES`] each (a body larger alone goes alone, and SQS judges it).
fn batches(bodies: &[String]) -> Vec<Vec<&str>> {
    let mut batches: Vec<Vec<&str>> = Vec::new();
    let mut bytes = 0;
    for body in bodies {
        match batches.last_mut() {
            Some(batch) if batch.len() < JOBS_PER_BATCH && bytes + body.len() <= BATCH_BYTES => {
                batch.push(body);
                bytes += body.len();
            }
            _ => {
                batches.push(vec![body]);
                bytes = body.len();
            }
        }
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_hold_at_most_ten_jobs_and_the_byte_limit_in_order() {
        let small: Vec<String> = (0..23).map(|n| n.to_string()).collect();
        let sizes: Vec<usize> = batches(&small).iter().map(Vec::len).collect();
        assert_eq!(sizes, [10, 10, 3]);
        assert_eq!(
            batches(&small).concat(),
            small.iter().map(String::as_str).collect::<Vec<_>>()
        );
        let large: Vec<String> = (0..7).map(|_| "x".repeat(100 * 1024)).collect();
        let sizes: Vec<usize> = batches(&large).iter().map(Vec::len).collect();
        assert_eq!(sizes, [2, 2, 2, 1]);
        assert!(batches(&[]).is_empty());
    }
}
