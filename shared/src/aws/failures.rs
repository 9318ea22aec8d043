//! Failed-attempt counters as items of the idempotency table, one per key and window, with
//! a TTL so that DynamoDB deletes them after their window.

use async_trait::async_trait;
use futures_util::future::try_join_all;

use super::attrs::{get_n, n, s, time, ttl};
use super::{AwsAdapters, sdk_error};
use crate::domain::{Result, Timestamp};
use crate::ports::FailureCounters;

fn counter_key(key: &str, window_end: Timestamp) -> String {
    format!("FAIL#{key}@{}", window_end.as_millis())
}

#[async_trait]
impl FailureCounters for AwsAdapters {
    async fn failures(&self, keys: &[String], window_end: Timestamp) -> Result<Vec<u32>> {
        let reads = keys.iter().map(|key| async move {
            let output = self
                .meter
                .dynamodb(
                    self.db
                        .get_item()
                        .table_name(&self.settings.idempotency_table)
                        .key("key", s(counter_key(key, window_end)))
                        .consistent_read(true)
                        .send(),
                )
                .await
                .map_err(sdk_error("GetItem failures"))?;
            Ok::<_, crate::Error>(match output.item() {
                // TTL deletes late: a window's end is checked, not only the item's presence.
                Some(item) if get_n(item, "window_end")? == window_end.as_millis() => {
                    u32::try_from(get_n(item, "failures")?).unwrap_or(u32::MAX)
                }
                _ => 0,
            })
        });
        try_join_all(reads).await
    }

    async fn count_failure(&self, keys: &[String], window_end: Timestamp) -> Result<()> {
        let writes = keys.iter().map(|key| {
            self.meter.dynamodb(
                self.db
                    .update_item()
                    .table_name(&self.settings.idempotency_table)
                    .key("key", s(counter_key(key, window_end)))
                    .update_expression("ADD failures :one SET window_end = :end, #ttl = :ttl")
                    .expression_attribute_names("#ttl", "ttl")
                    .expression_attribute_values(":one", n(1))
                    .expression_attribute_values(":end", time(window_end))
                    // Kept a minute past the window, then DynamoDB deletes it.
                    .expression_attribute_values(":ttl", ttl(window_end.plus_millis(60_000)))
                    .send(),
            )
        });
        try_join_all(writes)
            .await
            .map_err(sdk_error("UpdateItem failures"))?;
        Ok(())
    }
}
