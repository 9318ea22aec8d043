use async_trait::async_trait;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, Put, TransactWriteItem, Update};

use super::attrs::{
    Item, get_id, get_n, get_opt_n, get_opt_s, get_opt_time, get_s, get_time, id, item, n, s, time,
    ttl,
};
use super::groups::{GROUP_SK, member_sk, read_mark_key};
use super::{AwsAdapters, sdk_error};
use crate::domain::message::{Appended, HistoryPage, HistoryQuery, Message, NewMessage};
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::MessageStore;

/// How long a send's idempotency record is kept (the contract promises at least 24 hours).
pub(super) const IDEMPOTENCY_KEEP_MS: i64 = 48 * 3_600_000;
/// Tries at the next sequence number before giving up under heavy contention.
const APPEND_ATTEMPTS: usize = 12;

pub(super) fn message_from(item: &Item) -> Result<Message> {
    let deleted = get_opt_n(item, "deleted")?.is_some();
    Ok(Message {
        id: get_id(item, "id")?,
        group_id: get_id(item, "group_id")?,
        seq: get_n(item, "seq")?,
        sender_id: get_id(item, "sender_id")?,
        text: get_s(item, "text")?,
        client_msg_id: get_s(item, "client_msg_id")?,
        sent_at: get_time(item, "sent_at")?,
        edited_at: get_opt_time(item, "edited_at")?,
        deleted,
        reply_to: get_opt_n(item, "reply_to")?,
        reactions: if deleted {
            Vec::new()
        } else {
            super::reactions::reactions_from(item)?
        },
        attachments: match get_opt_s(item, "attachments") {
            Some(json) if !deleted => serde_json::from_str(&json).map_err(Error::internal)?,
            _ => Vec::new(),
        },
    })
}

/// Which parts of a cancelled transaction failed their conditions, in item order.
pub(super) fn failed_conditions(error: &TransactWriteItemsError) -> Option<Vec<bool>> {
    match error {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => Some(
            cancelled
                .cancellation_reasons()
                .iter()
                .map(|r| r.code() == Some("ConditionalCheckFailed"))
                .collect(),
        ),
        _ => None,
    }
}

/// Why a transaction was cancelled, from its reasons: conditions that failed (an answer), or
/// only conflicts with other transactions and throttling (worth a retry, never a "taken").
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Cancellation {
    /// Which items failed their conditions, in item order; at least one did.
    Conditions(Vec<bool>),
    Retry,
}

pub(super) fn cancellation(error: &TransactWriteItemsError) -> Option<Cancellation> {
    let failed = failed_conditions(error)?;
    if failed.contains(&true) {
        Some(Cancellation::Conditions(failed))
    } else {
        Some(Cancellation::Retry)
    }
}

/// An exponential, jittered pause before retry `attempt` (0, 1, ...): about 10 ms, 20 ms,
/// 40 ms ... up to a second, each a random time between half and all of it, so that
/// contenders do not retry in step.
pub(super) async fn back_off(attempt: usize) {
    tokio::time::sleep(back_off_time(attempt)).await;
}

pub(super) fn back_off_time(attempt: usize) -> std::time::Duration {
    let ceiling = (10u64 << attempt.min(7)).min(1_000);
    let jitter = (crate::domain::new_id().as_u128() % (ceiling as u128 / 2 + 1)) as u64;
    std::time::Duration::from_millis(ceiling / 2 + jitter)
}

/// The refusal when a write stayed contended through its retries: 503, try again.
pub(super) fn contended(what: &str) -> Error {
    tracing::warn!(what, "write stayed contended through its retries");
    Error::Unavailable("busy: please retry in a moment".to_string())
}

impl AwsAdapters {
    pub(super) async fn stored_message(&self, group_id: Id, seq: i64) -> Result<Option<Message>> {
        self.message_item(group_id, seq)
            .await?
            .as_ref()
            .map(message_from)
            .transpose()
    }

    /// The message's item as stored (a consistent read).
    pub(super) async fn message_item(&self, group_id: Id, seq: i64) -> Result<Option<Item>> {
        let output = self
            .meter
            .dynamodb(
                self.db
                    .get_item()
                    .table_name(&self.settings.messages_table)
                    .consistent_read(true)
                    .key("group_id", id(group_id))
                    .key("seq", n(seq))
                    .send(),
            )
            .await
            .map_err(sdk_error("GetItem messages"))?;
        Ok(output.item().cloned())
    }

    /// A live idempotency record (expired ones are ignored: TTL deletion is lazy).
    pub(super) async fn idempotency_record(
        &self,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<Item>> {
        let output = self
            .meter
            .dynamodb(
                self.db
                    .get_item()
                    .table_name(&self.settings.idempotency_table)
                    .consistent_read(true)
                    .key("key", s(key))
                    .send(),
            )
            .await
            .map_err(sdk_error("GetItem idempotency"))?;
        Ok(output
            .item()
            .filter(|item| get_n(item, "expires_at").map_or(true, |at| at > now.as_millis()))
            .cloned())
    }

    async fn original_send(
        &self,
        key: &str,
        group_id: Id,
        now: Timestamp,
    ) -> Result<Option<Message>> {
        match self.idempotency_record(key, now).await? {
            Some(record) => self.stored_message(group_id, get_n(&record, "seq")?).await,
            None => Ok(None),
        }
    }
}

#[async_trait]
impl MessageStore for AwsAdapters {
    /// One transaction moves the group's `last_seq` on by one (only from the value read),
    /// stores the message and claims its idempotency key: no gap, no duplicate. A stale
    /// `last_seq` costs a re-read and another try; a claimed key returns the original.
    async fn append_message(&self, message: &NewMessage, last_seq_seen: i64) -> Result<Appended> {
        let key = format!(
            "MSG#{}#{}#{}",
            message.group_id, message.sender_id, message.client_msg_id
        );
        let now = self.clock.now();
        let mut seen = last_seq_seen;
        for attempt in 0..APPEND_ATTEMPTS {
            let next = seen + 1;
            let advance = Update::builder()
                .table_name(&self.settings.groups_table)
                .key("pk", id(message.group_id))
                .key("sk", s(GROUP_SK))
                .update_expression("SET last_seq = :next")
                .condition_expression("last_seq = :seen")
                .expression_attribute_values(":next", n(next))
                .expression_attribute_values(":seen", n(seen))
                .build()
                .map_err(Error::internal)?;
            let store = Put::builder()
                .table_name(&self.settings.messages_table)
                .set_item(Some(item([
                    ("group_id", Some(id(message.group_id))),
                    ("seq", Some(n(next))),
                    ("id", Some(id(message.id))),
                    ("sender_id", Some(id(message.sender_id))),
                    ("text", Some(s(&message.text))),
                    ("client_msg_id", Some(s(&message.client_msg_id))),
                    ("sent_at", Some(time(message.sent_at))),
                    ("reply_to", message.reply_to.map(n)),
                    (
                        "attachments",
                        (!message.attachments.is_empty())
                            .then(|| serde_json::to_string(&message.attachments))
                            .transpose()
                            .map_err(Error::internal)?
                            .map(s),
                    ),
                ])))
                .condition_expression("attribute_not_exists(seq)")
                .build()
                .map_err(Error::internal)?;
            let claim = Put::builder()
                .table_name(&self.settings.idempotency_table)
                .set_item(Some(item([
                    ("key", Some(s(&key))),
                    ("seq", Some(n(next))),
                    (
                        "expires_at",
                        Some(time(now.plus_millis(IDEMPOTENCY_KEEP_MS))),
                    ),
                    ("ttl", Some(ttl(now.plus_millis(IDEMPOTENCY_KEEP_MS)))),
                ])))
                .condition_expression("attribute_not_exists(#key) OR expires_at < :now")
                .expression_attribute_names("#key", "key")
                .expression_attribute_values(":now", time(now))
                .build()
                .map_err(Error::internal)?;
            // Only a member can post: one removed meanwhile is refused here.
            let is_member = ConditionCheck::builder()
                .table_name(&self.settings.groups_table)
                .key("pk", id(message.group_id))
                .key("sk", s(member_sk(message.sender_id)))
                .condition_expression("attribute_exists(pk)")
                .build()
                .map_err(Error::internal)?;
            // The sender's read mark moves to its own message (no condition: nobody's mark
            // can be past a message that is only now getting its number).
            let mark_read = Update::builder()
                .table_name(&self.settings.groups_table)
                .set_key(Some(read_mark_key(message.group_id, message.sender_id)))
                .update_expression("SET read_seq = :next")
                .expression_attribute_values(":next", n(next))
                .build()
                .map_err(Error::internal)?;
            let outcome = self
                .meter
                .dynamodb(
                    self.db
                        .transact_write_items()
                        .transact_items(TransactWriteItem::builder().update(advance).build())
                        .transact_items(TransactWriteItem::builder().put(store).build())
                        .transact_items(TransactWriteItem::builder().put(claim).build())
                        .transact_items(
                            TransactWriteItem::builder()
                                .condition_check(is_member)
                                .build(),
                        )
                        .transact_items(TransactWriteItem::builder().update(mark_read).build())
                        .send(),
                )
                .await;
            let error = match outcome {
                Ok(_) => {
                    return Ok(Appended {
                        message: message.clone().stored_as(next),
                        created: true,
                    });
                }
                Err(error) => error.into_service_error(),
            };
            let failed = failed_conditions(&error)
                .ok_or_else(|| sdk_error("TransactWriteItems append")(&error))?;
            if failed.get(2) == Some(&true)
                && let Some(original) = self.original_send(&key, message.group_id, now).await?
            {
                return Ok(Appended {
                    message: original,
                    created: false,
                });
            }
            if failed.get(3) == Some(&true) {
                return Err(Error::NotFound("group not found".to_string()));
            }
            // The sequence moved on (or the transaction collided): read it again and retry.
            if attempt > 0 || !failed.first().copied().unwrap_or(false) {
                back_off(attempt).await;
            }
            let group = self
                .group_item(message.group_id.to_string(), GROUP_SK)
                .await?
                .ok_or_else(|| Error::NotFound("group not found".to_string()))?;
            seen = get_n(&group, "last_seq")?;
        }
        Err(contended("append_message"))
    }

    async fn history(&self, group_id: Id, query: HistoryQuery) -> Result<HistoryPage> {
        let wanted = query.limit as usize + 1;
        // Saturating: `after` = i64::MAX must mean "nothing after", never wrap to the start.
        let low = query.after.map_or(1, |after| after.saturating_add(1));
        let high = query
            .before
            .map_or(i64::MAX, |before| before.saturating_sub(1));
        let mut messages = Vec::new();
        if low <= high {
            let mut start = None;
            loop {
                let output = self
                    .meter
                    .dynamodb(
                        self.db
                            .query()
                            .table_name(&self.settings.messages_table)
                            .consistent_read(true)
                            .key_condition_expression(
                                "group_id = :group AND seq BETWEEN :low AND :high",
                            )
                            .expression_attribute_values(":group", id(group_id))
                            .expression_attribute_values(":low", n(low))
                            .expression_attribute_values(":high", n(high))
                            .scan_index_forward(query.oldest_first())
                            .limit((wanted - messages.len()) as i32)
                            .set_exclusive_start_key(start)
                            .send(),
                    )
                    .await
                    .map_err(sdk_error("Query messages"))?;
                for item in output.items() {
                    messages.push(message_from(item)?);
                }
                start = output.last_evaluated_key().cloned();
                if start.is_none() || messages.len() >= wanted {
                    break;
                }
            }
        }
        let has_more = messages.len() > query.limit as usize;
        messages.truncate(query.limit as usize);
        if !query.oldest_first() {
            messages.reverse();
        }
        Ok(HistoryPage { messages, has_more })
    }

    async fn message_at(&self, group_id: Id, seq: i64) -> Result<Option<Message>> {
        self.stored_message(group_id, seq).await
    }

    async fn edit_message(
        &self,
        group_id: Id,
        seq: i64,
        text: &str,
        at: Timestamp,
    ) -> Result<(Message, bool)> {
        self.edit_stored_message(group_id, seq, text, at).await
    }

    async fn delete_message(&self, group_id: Id, seq: i64) -> Result<bool> {
        self.delete_stored_message(group_id, seq).await
    }

    async fn set_reaction(
        &self,
        group_id: Id,
        seq: i64,
        emoji: &str,
        user_id: Id,
        on: bool,
    ) -> Result<(Message, bool)> {
        self.set_stored_reaction(group_id, seq, emoji, user_id, on)
            .await
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::CancellationReason;
    use aws_sdk_dynamodb::types::error::TransactionCanceledException;

    use super::*;

    fn cancelled(codes: &[&str]) -> TransactWriteItemsError {
        let reasons = codes
            .iter()
            .map(|code| CancellationReason::builder().code(*code).build())
            .collect();
        TransactWriteItemsError::TransactionCanceledException(
            TransactionCanceledException::builder()
                .set_cancellation_reasons(Some(reasons))
                .build(),
        )
    }

    #[test]
    fn a_cancelled_transaction_is_an_answer_only_when_a_condition_failed() {
        assert_eq!(
            cancellation(&cancelled(&["None", "ConditionalCheckFailed"])),
            Some(Cancellation::Conditions(vec![false, true]))
        );
        for retryable in [
            &["TransactionConflict", "None"][..],
            &["None", "ThrottlingError"],
            &["ProvisionedThroughputExceeded"],
        ] {
            assert_eq!(
                cancellation(&cancelled(retryable)),
                Some(Cancellation::Retry),
                "{retryable:?}"
            );
        }
    }

    #[test]
    fn back_off_grows_exponentially_with_jitter_up_to_a_second() {
        for attempt in 0..20 {
            let ceiling = (10u64 << attempt.min(7)).min(1_000);
            for _ in 0..20 {
                let pause = back_off_time(attempt).as_millis() as u64;
                assert!(
                    (ceiling / 2..=ceiling).contains(&pause),
                    "{attempt}: {pause}"
                );
            }
        }
        assert!(back_off_time(6) > back_off_time(0));
    }
}
