//! Edits, deletions and reactions of stored messages on DynamoDB.
//!
//! A message item keeps its reactions as top-level attributes, one pair per emoji (named by
//! the emoji's UTF-8 bytes in hex): `rc_<hex>`, the exact count, and `ru_<hex>`, a string set
//! of at most 50 of the users; `kinds` is the set of hex names, so that the 20-emoji cap is a
//! condition of the same write. Who reacted with what is also one marker item per reaction in
//! the idempotency table: its conditional put or delete is what makes a repeated reaction
//! change nothing, in the same transaction as the counts.

use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, Put, ReturnValue, TransactWriteItem, Update,
};

use super::attrs::{Item, id, item, n, s, time};
use super::messages::{Cancellation, back_off, cancellation, contended, message_from};
use super::{AwsAdapters, written};
use crate::domain::message::{
    MAX_REACTION_KINDS, MAX_REACTION_USERS, Message, Reaction, message_deleted, message_not_found,
    ordered_reactions,
};
use crate::domain::{Error, Id, Result, Timestamp};

/// Tries of a reaction that races with others on the same message.
const REACTION_ATTEMPTS: usize = 8;

fn hex(emoji: &str) -> String {
    emoji.bytes().map(|byte| format!("{byte:02x}")).collect()
}

fn from_hex(name: &str) -> Option<String> {
    let bytes = (0..name.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(name.get(at..at + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

/// The reactions a message item holds.
pub(super) fn reactions_from(item: &Item) -> Result<Vec<Reaction>> {
    let mut reactions = Vec::new();
    for (name, value) in item {
        let Some(key) = name.strip_prefix("rc_") else {
            continue;
        };
        let emoji =
            from_hex(key).ok_or_else(|| Error::internal(format!("bad reaction name {name}")))?;
        let count = value
            .as_n()
            .ok()
            .and_then(|count| count.parse::<u32>().ok())
            .ok_or_else(|| Error::internal(format!("bad reaction count {name}")))?;
        let user_ids = match item.get(&format!("ru_{key}")) {
            Some(AttributeValue::Ss(users)) => users
                .iter()
                .map(|user| Id::try_parse(user).map_err(Error::internal))
                .collect::<Result<Vec<Id>>>()?,
            _ => Vec::new(),
        };
        reactions.push(Reaction {
            emoji,
            count,
            user_ids,
        });
    }
    Ok(ordered_reactions(reactions))
}

fn message_key(group_id: Id, seq: i64) -> Item {
    item([("group_id", Some(id(group_id))), ("seq", Some(n(seq)))])
}

fn marker_key(group_id: Id, seq: i64, key: &str, user_id: Id) -> Item {
    item([(
        "key",
        Some(s(format!("REACT#{group_id}#{seq}#{key}#{user_id}"))),
    )])
}

impl AwsAdapters {
    fn stored(&self, output_item: Option<&Item>) -> Result<Message> {
        output_item
            .map(message_from)
            .transpose()?
            .ok_or_else(message_not_found)
    }

    async fn live_message(&self, group_id: Id, seq: i64) -> Result<Message> {
        let message = self
            .stored_message(group_id, seq)
            .await?
            .ok_or_else(message_not_found)?;
        if message.deleted {
            return Err(message_deleted());
        }
        Ok(message)
    }

    pub(super) async fn edit_stored_message(
        &self,
        group_id: Id,
        seq: i64,
        text: &str,
        at: Timestamp,
    ) -> Result<(Message, bool)> {
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(&self.settings.messages_table)
                    .set_key(Some(message_key(group_id, seq)))
                    .update_expression("SET #text = :text, edited_at = :at")
                    .condition_expression(
                        "attribute_exists(seq) AND attribute_not_exists(deleted) AND #text <> :text",
                    )
                    .expression_attribute_names("#text", "text")
                    .expression_attribute_values(":text", s(text))
                    .expression_attribute_values(":at", time(at))
                    .return_values(ReturnValue::AllNew)
                    .send(),
            )
            .await;
        if let Some(output) = written(outcome, "UpdateItem messages edit")? {
            return Ok((self.stored(output.attributes())?, true));
        }
        // Gone, deleted, or the same text already (a retry): which one decides the answer.
        let message = self.live_message(group_id, seq).await?;
        if message.text == text {
            Ok((message, false))
        } else {
            Err(contended("editing a message"))
        }
    }

    pub(super) async fn delete_stored_message(&self, group_id: Id, seq: i64) -> Result<bool> {
        let Some(item) = self.message_item(group_id, seq).await? else {
            return Err(message_not_found());
        };
        if item.contains_key("deleted") {
            return Ok(false);
        }
        // The reactions go with the text; one added meanwhile is hidden by `deleted`.
        let reaction_names: Vec<&String> = item
            .keys()
            .filter(|name| name.starts_with("rc_") || name.starts_with("ru_"))
            .collect();
        let mut remove = vec!["kinds".to_string(), "attachments".to_string()];
        let mut request = self
            .db
            .update_item()
            .table_name(&self.settings.messages_table)
            .set_key(Some(message_key(group_id, seq)))
            .condition_expression("attribute_exists(seq) AND attribute_not_exists(deleted)")
            .expression_attribute_names("#text", "text")
            .expression_attribute_values(":empty", s(""))
            .expression_attribute_values(":one", n(1));
        for (at, name) in reaction_names.iter().enumerate() {
            request = request.expression_attribute_names(format!("#r{at}"), name.as_str());
            remove.push(format!("#r{at}"));
        }
        let outcome = self
            .meter
            .dynamodb(
                request
                    .update_expression(format!(
                        "SET #text = :empty, deleted = :one REMOVE {}",
                        remove.join(", ")
                    ))
                    .send(),
            )
            .await;
        Ok(written(outcome, "UpdateItem messages delete")?.is_some())
    }

    pub(super) async fn set_stored_reaction(
        &self,
        group_id: Id,
        seq: i64,
        emoji: &str,
        user_id: Id,
        on: bool,
    ) -> Result<(Message, bool)> {
        let key = hex(emoji);
        let (count, users) = (format!("rc_{key}"), format!("ru_{key}"));
        for attempt in 0..REACTION_ATTEMPTS {
            if attempt > 0 {
                back_off(attempt).await;
            }
            let message = self.live_message(group_id, seq).await?;
            let existing = message.reactions.iter().find(|r| r.emoji == emoji);
            if on && existing.is_none() && message.reactions.len() >= MAX_REACTION_KINDS {
                return Err(Error::Conflict(format!(
                    "a message has at most {MAX_REACTION_KINDS} different reactions"
                )));
            }
            let marker = marker_key(group_id, seq, &key, user_id);
            let (marker_write, counts) = if on {
                // The user is listed while the list has room; the count is exact either way.
                let listed = existing.is_none_or(|r| r.user_ids.len() < MAX_REACTION_USERS);
                let mut update = Update::builder()
                    .table_name(&self.settings.messages_table)
                    .set_key(Some(message_key(group_id, seq)))
                    .expression_attribute_names("#rc", &count)
                    .expression_attribute_values(":one", n(1))
                    .expression_attribute_values(":kind", AttributeValue::Ss(vec![key.clone()]))
                    .expression_attribute_values(":kinds_max", n(MAX_REACTION_KINDS as i64))
                    .expression_attribute_values(":kind_name", s(&key));
                let mut condition = "attribute_exists(seq) AND attribute_not_exists(deleted) \
                     AND (attribute_not_exists(kinds) OR size(kinds) < :kinds_max \
                     OR contains(kinds, :kind_name))"
                    .to_string();
                let expression = if listed {
                    update = update
                        .expression_attribute_names("#ru", &users)
                        .expression_attribute_values(
                            ":user",
                            AttributeValue::Ss(vec![user_id.to_string()]),
                        )
                        .expression_attribute_values(":users_max", n(MAX_REACTION_USERS as i64));
                    condition
                        .push_str(" AND (attribute_not_exists(#ru) OR size(#ru) < :users_max)");
                    "ADD #rc :one, kinds :kind, #ru :user"
                } else {
                    "ADD #rc :one, kinds :kind"
                };
                let put = Put::builder()
                    .table_name(&self.settings.idempotency_table)
                    .set_item(Some(marker))
                    .condition_expression("attribute_not_exists(#key)")
                    .expression_attribute_names("#key", "key")
                    .build()
                    .map_err(Error::internal)?;
                (
                    TransactWriteItem::builder().put(put).build(),
                    update
                        .update_expression(expression)
                        .condition_expression(condition)
                        .build()
                        .map_err(Error::internal)?,
                )
            } else {
                let delete = Delete::builder()
                    .table_name(&self.settings.idempotency_table)
                    .set_key(Some(marker))
                    .condition_expression("attribute_exists(#key)")
                    .expression_attribute_names("#key", "key")
                    .build()
                    .map_err(Error::internal)?;
                let update = Update::builder()
                    .table_name(&self.settings.messages_table)
                    .set_key(Some(message_key(group_id, seq)))
                    .update_expression("ADD #rc :minus_one DELETE #ru :user")
                    .condition_expression(
                        "attribute_exists(seq) AND attribute_not_exists(deleted) AND #rc > :zero",
                    )
                    .expression_attribute_names("#rc", &count)
                    .expression_attribute_names("#ru", &users)
                    .expression_attribute_values(":minus_one", n(-1))
                    .expression_attribute_values(":zero", n(0))
                    .expression_attribute_values(
                        ":user",
                        AttributeValue::Ss(vec![user_id.to_string()]),
                    )
                    .build()
                    .map_err(Error::internal)?;
                (TransactWriteItem::builder().delete(delete).build(), update)
            };
            let outcome = self
                .meter
                .dynamodb(
                    self.db
                        .transact_write_items()
                        .transact_items(marker_write)
                        .transact_items(TransactWriteItem::builder().update(counts).build())
                        .send(),
                )
                .await;
            match outcome {
                Ok(_) => {
                    if !on {
                        self.forget_emptied_reaction(group_id, seq, &key).await?;
                    }
                    let after = self.live_message(group_id, seq).await?;
                    return Ok((after, true));
                }
                Err(error) => match cancellation(&error.into_service_error()) {
                    // The marker says it was done already (or never was, for a removal).
                    Some(Cancellation::Conditions(failed)) if failed.first() == Some(&true) => {
                        return Ok((message, false));
                    }
                    // The message changed meanwhile (deleted, full, a list filled): read
                    // again and decide again.
                    Some(Cancellation::Conditions(_)) | Some(Cancellation::Retry) => continue,
                    None => return Err(Error::internal("TransactWriteItems reaction failed")),
                },
            }
        }
        Err(contended("reacting to a message"))
    }

    /// Takes an emoji whose count fell to 0 off the message, unless someone reacted with it
    /// again meanwhile.
    async fn forget_emptied_reaction(&self, group_id: Id, seq: i64, key: &str) -> Result<()> {
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(&self.settings.messages_table)
                    .set_key(Some(message_key(group_id, seq)))
                    .update_expression("REMOVE #rc, #ru DELETE kinds :kind")
                    .condition_expression("#rc = :zero")
                    .expression_attribute_names("#rc", format!("rc_{key}"))
                    .expression_attribute_names("#ru", format!("ru_{key}"))
                    .expression_attribute_values(":zero", n(0))
                    .expression_attribute_values(":kind", AttributeValue::Ss(vec![key.to_string()]))
                    .send(),
            )
            .await;
        written(outcome, "UpdateItem messages reaction")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_names_round_trip_through_hex() {
        for emoji in ["👍", "❤️", "👨‍👩‍👧", "1️⃣", "🇫🇷"] {
            assert_eq!(from_hex(&hex(emoji)).as_deref(), Some(emoji));
        }
        assert_eq!(from_hex("zz"), None);
    }
}
