//! The live channel on AWS. Tickets and the connection of each session live in the sessions
//! table: a ticket is an item `TICKET#<hash>` (TTL), taken by a conditional delete; a
//! session's connection is its item's `connection_id`, and `CONN#<connection id>` maps a
//! connection back to its session for the WebSocket API's `$default` and `$disconnect`.
//! Pushes go through API Gateway's management API (`PostToConnection`); a `GoneException`
//! means the socket is gone.
//!
//! API Gateway cannot close a socket with a code of ours, so a close sends a last frame
//! `{"type":"closing","code":4000|4001,"reason":...}` and then deletes the connection.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_apigatewaymanagement::error::SdkError;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnValue};

use super::attrs::{get_id, get_opt_s, id, item, s, time, ttl};
use super::{AwsAdapters, failed_condition, sdk_error};
use crate::domain::live::TicketRecord;
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::{FrameKind, LiveConnections, LiveTickets, Push};

/// API Gateway ends every connection after two hours; the back-reference lives a little longer.
const CONNECTION_LIFETIME_MS: i64 = (2 * 3600 + 600) * 1000;
/// BatchGetItem takes at most 100 keys.
const BATCH_GET_KEYS: usize = 100;

fn ticket_key(hash: &[u8; 32]) -> AttributeValue {
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    s(format!("TICKET#{hex}"))
}

fn connection_key(connection_id: &str) -> AttributeValue {
    s(format!("CONN#{connection_id}"))
}

impl AwsAdapters {
    /// Remembers which session a new connection (at `$connect`) belongs to. Pushes start only
    /// once the connection is attached, at its first ping: API Gateway refuses posts to a
    /// connection whose `$connect` has not finished.
    pub async fn remember_connection(&self, connection_id: &str, session_id: Id) -> Result<()> {
        let now = self.clock.now();
        let back_reference = item([
            ("id", Some(connection_key(connection_id))),
            ("session_id", Some(id(session_id))),
            ("ttl", Some(ttl(now.plus_millis(CONNECTION_LIFETIME_MS)))),
        ]);
        self.meter
            .dynamodb(
                self.db
                    .put_item()
                    .table_name(&self.settings.sessions_table)
                    .set_item(Some(back_reference))
                    .send(),
            )
            .await
            .map_err(sdk_error("PutItem connection"))?;
        Ok(())
    }

    /// The session a live connection belongs to (for `$default` and `$disconnect`).
    pub async fn session_of_connection(&self, connection_id: &str) -> Result<Option<Id>> {
        let output = self
            .meter
            .dynamodb(
                self.db
                    .get_item()
                    .table_name(&self.settings.sessions_table)
                    .key("id", connection_key(connection_id))
                    .consistent_read(true)
                    .send(),
            )
            .await
            .map_err(sdk_error("GetItem connection"))?;
        output
            .item()
            .map(|item| get_id(item, "session_id"))
            .transpose()
    }

    /// Forgets a closed connection's back-reference.
    pub async fn forget_connection(&self, connection_id: &str) -> Result<()> {
        self.meter
            .dynamodb(
                self.db
                    .delete_item()
                    .table_name(&self.settings.sessions_table)
                    .key("id", connection_key(connection_id))
                    .send(),
            )
            .await
            .map_err(sdk_error("DeleteItem connection"))?;
        Ok(())
    }
}

#[async_trait]
impl LiveTickets for AwsAdapters {
    async fn insert_ticket(&self, ticket: &TicketRecord) -> Result<()> {
        let record = item([
            ("id", Some(ticket_key(&ticket.hash))),
            ("session_id", Some(id(ticket.session_id))),
            ("expires_at", Some(time(ticket.expires_at))),
            ("ttl", Some(ttl(ticket.expires_at))),
        ]);
        self.meter
            .dynamodb(
                self.db
                    .put_item()
                    .table_name(&self.settings.sessions_table)
                    .set_item(Some(record))
                    .send(),
            )
            .await
            .map_err(sdk_error("PutItem ticket"))?;
        Ok(())
    }

    async fn take_ticket(&self, hash: &[u8; 32], now: Timestamp) -> Result<Option<Id>> {
        // One conditional delete: of two connects with one ticket, one gets the old item.
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .delete_item()
                    .table_name(&self.settings.sessions_table)
                    .key("id", ticket_key(hash))
                    .condition_expression("attribute_exists(id) AND expires_at > :now")
                    .expression_attribute_values(":now", time(now))
                    .return_values(ReturnValue::AllOld)
                    .send(),
            )
            .await;
        match outcome {
            Ok(output) => output
                .attributes()
                .map(|item| get_id(item, "session_id"))
                .transpose(),
            Err(error) => match error.into_service_error() {
                error if failed_condition(&error) => Ok(None),
                error => Err(sdk_error("DeleteItem ticket")(error)),
            },
        }
    }
}

#[async_trait]
impl LiveConnections for AwsAdapters {
    async fn attach(&self, session_id: Id, connection_id: &str) -> Result<Option<String>> {
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(&self.settings.sessions_table)
                    .key("id", id(session_id))
                    .update_expression("SET connection_id = :connection")
                    .condition_expression("attribute_exists(user_id)")
                    .expression_attribute_values(":connection", s(connection_id))
                    .return_values(ReturnValue::UpdatedOld)
                    .send(),
            )
            .await;
        match outcome {
            Ok(output) => Ok(output
                .attributes()
                .and_then(|old| get_opt_s(old, "connection_id"))
                .filter(|previous| previous != connection_id)),
            Err(error) => match error.into_service_error() {
                error if failed_condition(&error) => {
                    Err(Error::Unauthorized("the session has ended".to_string()))
                }
                error => Err(sdk_error("UpdateItem session connection")(error)),
            },
        }
    }

    async fn detach(&self, session_id: Id, connection_id: &str) -> Result<()> {
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(&self.settings.sessions_table)
                    .key("id", id(session_id))
                    .update_expression("REMOVE connection_id")
                    .condition_expression("connection_id = :connection")
                    .expression_attribute_values(":connection", s(connection_id))
                    .send(),
            )
            .await;
        match outcome {
            Ok(_) => Ok(()),
            // Another connection took its place, or the session is gone: nothing to forget.
            Err(error) => match error.into_service_error() {
                error if failed_condition(&error) => Ok(()),
                error => Err(sdk_error("UpdateItem session connection")(error)),
            },
        }
    }

    async fn connections_of(&self, session_ids: &[Id]) -> Result<HashMap<Id, String>> {
        let mut found = HashMap::new();
        let mut unique: Vec<Id> = session_ids.to_vec();
        unique.sort();
        unique.dedup();
        for chunk in unique.chunks(BATCH_GET_KEYS) {
            let mut keys: Vec<HashMap<String, AttributeValue>> = chunk
                .iter()
                .map(|session_id| HashMap::from([("id".to_string(), id(*session_id))]))
                .collect();
            // Unprocessed keys (throttling) are asked again a few times, then counted as
            // having no connection: their events go to the inbox, which is never wrong.
            for attempt in 0..4 {
                if keys.is_empty() {
                    break;
                }
                if attempt > 0 {
                    super::messages::back_off(attempt).await;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut keys)))
                    .projection_expression("id, connection_id")
                    .consistent_read(true)
                    .build()
                    .map_err(Error::internal)?;
                let output = self
                    .meter
                    .dynamodb(
                        self.db
                            .batch_get_item()
                            .request_items(&self.settings.sessions_table, request)
                            .send(),
                    )
                    .await
                    .map_err(sdk_error("BatchGetItem connections"))?;
                for item in output
                    .responses()
                    .and_then(|r| r.get(&self.settings.sessions_table))
                    .into_iter()
                    .flatten()
                {
                    if let Some(connection) = get_opt_s(item, "connection_id") {
                        found.insert(get_id(item, "id")?, connection);
                    }
                }
                keys = output
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.settings.sessions_table))
                    .map(|k| k.keys().to_vec())
                    .unwrap_or_default();
            }
        }
        Ok(found)
    }
}

#[async_trait]
impl Push for AwsAdapters {
    async fn push(&self, connection_id: &str, frame: &str, _kind: FrameKind) -> Result<bool> {
        let Some(api) = &self.live_api else {
            // No WebSocket API configured: nothing is connected, everything is queued.
            return Ok(false);
        };
        let outcome = self
            .meter
            .push(
                api.post_to_connection()
                    .connection_id(connection_id)
                    .data(Blob::new(frame.as_bytes()))
                    .send(),
            )
            .await;
        match outcome {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(error)) if error.err().is_gone_exception() => Ok(false),
            Err(error) => Err(sdk_error("PostToConnection")(error)),
        }
    }

    async fn close(&self, connection_id: &str, code: u16, reason: &str) -> Result<()> {
        let Some(api) = &self.live_api else {
            return Ok(());
        };
        let last = serde_json::json!({ "type": "closing", "code": code, "reason": reason });
        if !self
            .push(connection_id, &last.to_string(), FrameKind::Signal)
            .await?
        {
            return Ok(());
        }
        match self
            .meter
            .push(api.delete_connection().connection_id(connection_id).send())
            .await
        {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(error)) if error.err().is_gone_exception() => Ok(()),
            Err(error) => Err(sdk_error("DeleteConnection")(error)),
        }
    }
}
