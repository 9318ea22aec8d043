//! Blocks on DynamoDB: one item per blocker in the users table (`BLOCKS#<id>`) holding the
//! set of users it blocked, so that a list is one read and a check of a group's worth of
//! candidates one BatchGetItem per 100. Reads project `pk` and `blocked` only: the template
//! lets functions other than login read no other attribute of the users table than these and
//! a user's public ones.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;

use super::attrs::{Item, item, s};
use super::{AwsAdapters, sdk_error, written};
use crate::domain::{Error, Id, Result};
use crate::ports::{BlockStore, MAX_BLOCKS};

fn blocks_pk(blocker: Id) -> String {
    format!("BLOCKS#{blocker}")
}

fn blocked_set(item: &Item) -> Result<Vec<Id>> {
    match item.get("blocked") {
        None => Ok(Vec::new()),
        Some(AttributeValue::Ss(ids)) => ids
            .iter()
            .map(|raw| uuid::Uuid::try_parse(raw).map_err(Error::internal))
            .collect(),
        Some(other) => Err(Error::internal(format!(
            "blocked is not a string set: {other:?}"
        ))),
    }
}

#[async_trait]
impl BlockStore for AwsAdapters {
    async fn block(&self, blocker: Id, blocked: Id) -> Result<()> {
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(&self.settings.users_table)
                    .key("pk", s(blocks_pk(blocker)))
                    .update_expression("ADD #blocked :one")
                    // At the cap only an id already in the set may be added (a retry).
                    .condition_expression(
                        "attribute_not_exists(#blocked) OR size(#blocked) < :max OR contains(#blocked, :id)",
                    )
                    .expression_attribute_names("#blocked", "blocked")
                    .expression_attribute_values(":one", AttributeValue::Ss(vec![blocked.to_string()]))
                    .expression_attribute_values(":id", s(blocked.to_string()))
                    .expression_attribute_values(":max", AttributeValue::N(MAX_BLOCKS.to_string()))
                    .send(),
            )
            .await;
        match written(outcome, "UpdateItem users block")? {
            Some(_) => Ok(()),
            None => Err(Error::Conflict(format!(
                "you may block at most {MAX_BLOCKS} users"
            ))),
        }
    }

    async fn unblock(&self, blocker: Id, blocked: Id) -> Result<()> {
        self.meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(&self.settings.users_table)
                    .key("pk", s(blocks_pk(blocker)))
                    .update_expression("DELETE #blocked :one")
                    .expression_attribute_names("#blocked", "blocked")
                    .expression_attribute_values(
                        ":one",
                        AttributeValue::Ss(vec![blocked.to_string()]),
                    )
                    .send(),
            )
            .await
            .map_err(sdk_error("UpdateItem users unblock"))?;
        Ok(())
    }

    async fn blocked_by(&self, blocker: Id) -> Result<Vec<Id>> {
        let output = self
            .meter
            .dynamodb(
                self.db
                    .get_item()
                    .table_name(&self.settings.users_table)
                    .key("pk", s(blocks_pk(blocker)))
                    .consistent_read(true)
                    .projection_expression("#pk, #blocked")
                    .expression_attribute_names("#pk", "pk")
                    .expression_attribute_names("#blocked", "blocked")
                    .send(),
            )
            .await
            .map_err(sdk_error("GetItem users blocks"))?;
        output.item().map(blocked_set).unwrap_or(Ok(Vec::new()))
    }

    async fn blockers_among(&self, candidates: &[Id], user: Id) -> Result<Vec<Id>> {
        let mut blockers = Vec::new();
        // A batch may not name a key twice.
        let mut unique = candidates.to_vec();
        unique.sort();
        unique.dedup();
        let keys = unique
            .iter()
            .map(|candidate| item([("pk", Some(s(blocks_pk(*candidate))))]))
            .collect();
        for found in self
            .batch_get(
                &self.settings.users_table,
                keys,
                Some(&["pk", "blocked"]),
                "BatchGetItem users blocks",
            )
            .await?
        {
            if blocked_set(&found)?.contains(&user) {
                let pk = super::attrs::get_s(&found, "pk")?;
                let blocker = pk
                    .strip_prefix("BLOCKS#")
                    .and_then(|raw| uuid::Uuid::try_parse(raw).ok())
                    .ok_or_else(|| Error::internal(format!("block item {pk}")))?;
                blockers.push(blocker);
            }
        }
        Ok(blockers)
    }
}
