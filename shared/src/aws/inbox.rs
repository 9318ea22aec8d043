use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::error::ProvideErrorMetadata;
use aws_sdk_sqs::operation::receive_message::builders::ReceiveMessageFluentBuilder;
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, QueueAttributeName};

use super::attrs::{get_opt_n, id, n};
use super::{AwsAdapters, sdk_error, written};
use crate::domain::page::{Page, PageRequest};
use crate::domain::{Error, Id, Result};
use crate::ports::{Delivery, Inbox};

/// SQS's longest retention: a device may stay offline that long and still catch up from its
/// queue (history covers any longer absence).
const RETENTION_SECONDS: &str = "1209600";
/// SQS receives at most 10 messages and waits at most 20 s.
const RECEIVE_BATCH: i32 = crate::ports::MAX_DELIVERIES_PER_RECEIVE as i32;
const MAX_WAIT_SECONDS: u64 = 20;

fn is_missing_queue(error: &impl ProvideErrorMetadata) -> bool {
    error
        .code()
        .is_some_and(|code| code.contains("NonExistentQueue") || code.contains("QueueDoesNotExist"))
}

fn no_inbox() -> Error {
    Error::NotFound("this session has no inbox".to_string())
}

impl AwsAdapters {
    fn queue_name(&self, session_id: Id) -> String {
        format!("{}-{}", self.settings.queue_prefix, session_id.simple())
    }

    fn learn_queue_url_base(&self, url: &str, name: &str) {
        if let Some(base) = url.strip_suffix(name) {
            let _ = self.queue_url_base.set(base.to_string());
        }
    }

    /// The queue's URL: built from the base once it is known, so sends and receives cost
    /// one call each; the first look-up of a process asks SQS.
    async fn queue_url(&self, session_id: Id) -> Result<String> {
        let name = self.queue_name(session_id);
        if let Some(base) = self.queue_url_base.get() {
            return Ok(format!("{base}{name}"));
        }
        let output = self
            .meter
            .sqs(self.sqs.get_queue_url().queue_name(&name).send())
            .await
            .map_err(|e| e.into_service_error());
        match output {
            Ok(output) => {
                let url = output.queue_url().unwrap_or_default().to_string();
                self.learn_queue_url_base(&url, &name);
                Ok(url)
            }
            Err(error) if is_missing_queue(&error) => Err(no_inbox()),
            Err(error) => Err(sdk_error("GetQueueUrl")(error)),
        }
    }
}

impl AwsAdapters {
    /// A long-poll receive. The visibility timeout goes with each receive, so a change of the
    /// setting reaches queues made before it at once. (Its call gets time limits that leave
    /// room for the wait: [`super::receive_timeouts`].)
    pub(super) fn receive_request(
        &self,
        url: String,
        wait_seconds: i32,
    ) -> ReceiveMessageFluentBuilder {
        self.sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(RECEIVE_BATCH)
            .wait_time_seconds(wait_seconds)
            .visibility_timeout(
                i32::try_from(self.settings.visibility.as_secs()).unwrap_or(i32::MAX),
            )
    }
}

#[async_trait]
impl Inbox for AwsAdapters {
    async fn create_inbox(&self, session_id: Id) -> Result<()> {
        let name = self.queue_name(session_id);
        let output = self
            .meter
            .sqs(
                self.sqs
                    .create_queue()
                    .queue_name(&name)
                    .attributes(
                        QueueAttributeName::VisibilityTimeout,
                        self.settings.visibility.as_secs().to_string(),
                    )
                    .attributes(
                        QueueAttributeName::MessageRetentionPeriod,
                        RETENTION_SECONDS,
                    )
                    .send(),
            )
            .await
            .map_err(sdk_error("CreateQueue"))?;
        self.learn_queue_url_base(output.queue_url().unwrap_or_default(), &name);
        Ok(())
    }

    /// ListQueues by the deployment's queue prefix (1,000 a call); names that are not
    /// `<prefix>-<session id>` are someone else's and left out.
    async fn inboxes(&self, page: &PageRequest) -> Result<Page<Id>> {
        let prefix = format!("{}-", self.settings.queue_prefix);
        let output = self
            .meter
            .sqs(
                self.sqs
                    .list_queues()
                    .queue_name_prefix(&prefix)
                    .max_results(i32::try_from(page.limit.clamp(1, 1000)).unwrap_or(1000))
                    .set_next_token(page.after.clone())
                    .send(),
            )
            .await
            .map_err(sdk_error("ListQueues"))?;
        let items = output
            .queue_urls()
            .iter()
            .filter_map(|url| {
                let name = url.rsplit('/').next()?;
                let suffix = name.strip_prefix(&prefix)?;
                // Only the simple form this adapter names queues with.
                (suffix.len() == 32)
                    .then(|| Id::try_parse(suffix).ok())
                    .flatten()
            })
            .collect();
        Ok(Page {
            items,
            next: output.next_token().map(str::to_string),
        })
    }

    async fn delete_inbox(&self, session_id: Id) -> Result<()> {
        let url = match self.queue_url(session_id).await {
            Ok(url) => url,
            Err(Error::NotFound(_)) => return Ok(()),
            Err(other) => return Err(other),
        };
        match self
            .meter
            .sqs(self.sqs.delete_queue().queue_url(url).send())
            .await
            .map_err(|e| e.into_service_error())
        {
            Ok(_) => Ok(()),
            Err(error) if is_missing_queue(&error) => Ok(()),
            Err(error) => Err(sdk_error("DeleteQueue")(error)),
        }
    }

    async fn deliver(&self, session_id: Id, body: &str) -> Result<()> {
        let url = self.queue_url(session_id).await?;
        match self
            .meter
            .sqs(
                self.sqs
                    .send_message()
                    .queue_url(url)
                    .message_body(body)
                    .send(),
            )
            .await
            .map_err(|e| e.into_service_error())
        {
            Ok(_) => Ok(()),
            Err(error) if is_missing_queue(&error) => Err(no_inbox()),
            Err(error) => Err(sdk_error("SendMessage")(error)),
        }
    }

    async fn receive(&self, session_id: Id, wait: Duration) -> Result<Vec<Delivery>> {
        let url = self.queue_url(session_id).await?;
        let seconds = wait.as_secs_f64().ceil().min(MAX_WAIT_SECONDS as f64) as i32;
        let output = self
            .meter
            .sqs(
                self.receive_request(url, seconds)
                    .customize()
                    .config_override(
                        aws_sdk_sqs::config::Builder::default()
                            .timeout_config(super::receive_timeouts(seconds.max(0) as u64)),
                    )
                    .send(),
            )
            .await
            .map_err(|e| e.into_service_error());
        match output {
            Ok(output) => Ok(output
                .messages()
                .iter()
                .filter_map(|m| {
                    Some(Delivery {
                        receipt: m.receipt_handle()?.to_string(),
                        body: m.body()?.to_string(),
                    })
                })
                .collect()),
            Err(error) if is_missing_queue(&error) => Err(no_inbox()),
            Err(error) => Err(sdk_error("ReceiveMessage")(error)),
        }
    }

    /// Deletes in batches of ten; a stale receipt fails only its own entry, which is fine:
    /// what it named was delivered again and will be acknowledged by its new receipt.
    /// The session item counts its polls (`poll_generation`); a waiting poll reads it between
    /// its 5-second receives and ends when a later poll has begun.
    async fn begin_poll(&self, session_id: Id) -> Result<u64> {
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(&self.settings.sessions_table)
                    .key("id", id(session_id))
                    .update_expression("ADD poll_generation :one")
                    .condition_expression("attribute_exists(user_id)")
                    .expression_attribute_values(":one", n(1))
                    .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
                    .send(),
            )
            .await;
        let output = written(outcome, "UpdateItem poll_generation")?
            .ok_or_else(|| Error::Unauthorized("the session has ended".to_string()))?;
        let generation = output
            .attributes()
            .map(|item| get_opt_n(item, "poll_generation"))
            .transpose()?
            .flatten()
            .unwrap_or(0);
        Ok(u64::try_from(generation).unwrap_or(0))
    }

    async fn is_latest_poll(&self, session_id: Id, poll: u64) -> Result<bool> {
        let output = self
            .meter
            .dynamodb(
                self.db
                    .get_item()
                    .table_name(&self.settings.sessions_table)
                    .key("id", id(session_id))
                    .projection_expression("poll_generation")
                    .consistent_read(true)
                    .send(),
            )
            .await
            .map_err(sdk_error("GetItem poll_generation"))?;
        let latest = output
            .item()
            .map(|item| get_opt_n(item, "poll_generation"))
            .transpose()?
            .flatten();
        Ok(latest.and_then(|n| u64::try_from(n).ok()) == Some(poll))
    }

    async fn acknowledge(&self, session_id: Id, receipts: &[String]) -> Result<()> {
        if receipts.is_empty() {
            return Ok(());
        }
        let url = match self.queue_url(session_id).await {
            Ok(url) => url,
            Err(Error::NotFound(_)) => return Ok(()),
            Err(other) => return Err(other),
        };
        for chunk in receipts.chunks(10) {
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(i, receipt)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(receipt)
                        .build()
                        .map_err(Error::internal)
                })
                .collect::<Result<Vec<_>>>()?;
            match self
                .meter
                .sqs(
                    self.sqs
                        .delete_message_batch()
                        .queue_url(&url)
                        .set_entries(Some(entries))
                        .send(),
                )
                .await
                .map_err(|e| e.into_service_error())
            {
                Ok(output) => {
                    for failed in output.failed() {
                        tracing::debug!(code = failed.code(), "acknowledgement not applied");
                    }
                }
                Err(error) if is_missing_queue(&error) => return Ok(()),
                Err(error) => {
                    // A malformed receipt is the client's error, not ours.
                    if error.code().is_some_and(|c| {
                        c.contains("ReceiptHandleIsInvalid") || c.contains("InvalidParameterValue")
                    }) {
                        return Err(Error::Invalid("ack holds an invalid receipt".to_string()));
                    }
                    return Err(sdk_error("DeleteMessageBatch")(error));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{call_timeouts, offline_adapters, receive_timeouts};

    #[test]
    fn a_receive_carries_the_visibility_timeout_and_time_limits_beyond_its_wait() {
        let adapters = offline_adapters();
        let receive = adapters.receive_request("https://queue.example/q".to_string(), 20);
        assert_eq!(
            receive.get_visibility_timeout(),
            &Some(adapters.settings.visibility.as_secs() as i32)
        );
        let limits = receive_timeouts(20);
        assert!(limits.operation_attempt_timeout() > Some(Duration::from_secs(20)));
        assert!(limits.read_timeout() > Some(Duration::from_secs(20)));
    }

    #[test]
    fn every_client_fails_a_stalled_call_within_seconds() {
        let adapters = offline_adapters();
        for timeouts in [
            adapters.db.config().timeout_config().cloned(),
            adapters.sqs.config().timeout_config().cloned(),
        ] {
            let timeouts = timeouts.expect("time limits set");
            assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(2)));
            assert!(timeouts.operation_attempt_timeout() <= Some(Duration::from_secs(5)));
            assert!(
                timeouts
                    .operation_timeout()
                    .is_some_and(|t| t < Duration::from_secs(10))
            );
        }
        assert_eq!(
            call_timeouts().operation_timeout(),
            Some(Duration::from_secs(9))
        );
    }
}
