//! The fan-out worker: SQS hands it up to ten jobs at a time; each job is one event for up
//! to 100 users, delivered to every live session of theirs. A job that fails is reported
//! back alone (`ReportBatchItemFailures`), so SQS runs only that one again, and after a few
//! tries moves it to the dead-letter queue.

use chat_core::ports::FanOutJob;
use chat_core::service::Services;
use serde::Deserialize;
use serde_json::{Value, json};

/// The parts of an SQS event the worker reads.
#[derive(Deserialize)]
struct SqsEvent {
    #[serde(rename = "Records")]
    records: Vec<SqsRecord>,
}

#[derive(Deserialize)]
struct SqsRecord {
    #[serde(rename = "messageId")]
    message_id: String,
    body: String,
}

/// Runs each job of the event, one after another (each runs its own calls concurrently,
/// within the bound), and answers with the ids of those that failed. An event that is not
/// an SQS event fails as a whole.
pub async fn handle(services: &Services, event: &Value) -> Result<Value, String> {
    let event = SqsEvent::deserialize(event).map_err(|e| format!("not an SQS event: {e}"))?;
    let mut failures = Vec::new();
    for record in event.records {
        let outcome = match serde_json::from_str::<FanOutJob>(&record.body) {
            Ok(job) => services.run_fan_out_job(&job).await.map(|done| {
                tracing::debug!(delivered = done.delivered, "fan-out job done");
            }),
            // Never runnable: after its tries it rests in the dead-letter queue for a look.
            Err(error) => Err(chat_core::Error::Invalid(format!(
                "not a fan-out job: {error}"
            ))),
        };
        if let Err(error) = outcome {
            tracing::warn!(%error, message_id = %record.message_id, "fan-out job failed");
            failures.push(json!({ "itemIdentifier": record.message_id }));
        }
    }
    Ok(json!({ "batchItemFailures": failures }))
}
