use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;

use super::attrs::{Item, bytes, get_bytes, get_id, get_s, get_time, id, item, s, time, ttl};
use super::{AwsAdapters, sdk_error};
use crate::domain::page::{Page, PageRequest};
use crate::domain::session::{Session, SessionRecord};
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::SessionStore;

fn session_from(item: &Item) -> Result<Session> {
    Ok(Session {
        id: get_id(item, "id")?,
        user_id: get_id(item, "user_id")?,
        device: get_s(item, "device")?,
        created_at: get_time(item, "created_at")?,
        expires_at: get_time(item, "expires_at")?,
    })
}

fn session_record_from(item: &Item) -> Result<SessionRecord> {
    let hash = get_bytes(item, "secret_hash")?;
    Ok(SessionRecord {
        session: session_from(item)?,
        secret_hash: hash
            .try_into()
            .map_err(|_| Error::internal("stored secret hash is not 32 bytes"))?,
    })
}

/// How long an expired session's item outlives its expiry before TTL may delete it.
const SWEEP_GRACE_MS: i64 = 24 * 3_600_000;

impl AwsAdapters {
    /// A consistent read: it authorizes requests, and the first request with a new token must
    /// not be refused because a replica has not seen the session yet.
    pub(super) fn session_get(&self, session_id: Id) -> GetItemFluentBuilder {
        self.db
            .get_item()
            .table_name(&self.settings.sessions_table)
            .key("id", id(session_id))
            .consistent_read(true)
    }
}

#[async_trait]
impl SessionStore for AwsAdapters {
    async fn insert_session(&self, record: &SessionRecord) -> Result<()> {
        let session = &record.session;
        let session_item = item([
            ("id", Some(id(session.id))),
            ("user_id", Some(id(session.user_id))),
            ("device", Some(s(&session.device))),
            ("created_at", Some(time(session.created_at))),
            ("expires_at", Some(time(session.expires_at))),
            // DynamoDB deletes the item a day after it expires: the sweeper, every 15 minutes,
            // finds it first and deletes its queue with it.
            (
                "ttl",
                Some(ttl(session.expires_at.plus_millis(SWEEP_GRACE_MS))),
            ),
            ("secret_hash", Some(bytes(&record.secret_hash))),
        ]);
        self.meter
            .dynamodb(
                self.db
                    .put_item()
                    .table_name(&self.settings.sessions_table)
                    .set_item(Some(session_item))
                    .send(),
            )
            .await
            .map_err(sdk_error("PutItem sessions"))?;
        Ok(())
    }

    async fn session_by_id(&self, session_id: Id) -> Result<Option<SessionRecord>> {
        let output = self
            .meter
            .dynamodb(self.session_get(session_id).send())
            .await
            .map_err(sdk_error("GetItem sessions"))?;
        output.item().map(session_record_from).transpose()
    }

    async fn delete_session(&self, session_id: Id) -> Result<()> {
        self.meter
            .dynamodb(
                self.db
                    .delete_item()
                    .table_name(&self.settings.sessions_table)
                    .key("id", id(session_id))
                    .send(),
            )
            .await
            .map_err(sdk_error("DeleteItem sessions"))?;
        Ok(())
    }

    async fn missing_sessions(&self, ids: &[Id]) -> Result<Vec<Id>> {
        // A batch may not name a key twice.
        let mut unique = ids.to_vec();
        unique.sort();
        unique.dedup();
        let keys = unique
            .iter()
            .map(|session| item([("id", Some(id(*session)))]))
            .collect();
        let mut found = std::collections::HashSet::new();
        for session in self
            .batch_get(
                &self.settings.sessions_table,
                keys,
                Some(&["id"]),
                "BatchGetItem sessions",
            )
            .await?
        {
            found.insert(get_id(&session, "id")?);
        }
        Ok(ids
            .iter()
            .copied()
            .filter(|id| !found.contains(id))
            .collect())
    }

    async fn live_sessions_of_user(&self, user_id: Id, now: Timestamp) -> Result<Vec<Session>> {
        let query = self
            .db
            .query()
            .table_name(&self.settings.sessions_table)
            .index_name("by_user")
            .key_condition_expression("user_id = :user AND expires_at > :now")
            .expression_attribute_values(":user", id(user_id))
            .expression_attribute_values(":now", time(now));
        self.query_all(query, "Query sessions by_user", None)
            .await?
            .iter()
            .map(session_from)
            .collect()
    }

    async fn expired_sessions(&self, now: Timestamp, page: &PageRequest) -> Result<Page<Id>> {
        // The Scan goes on from where the last page stopped (never from the table's start
        // again), reads only ids, and ends a page at a scan page's end, once it has enough.
        let mut start = page
            .after
            .as_ref()
            .map(|cursor| HashMap::from([("id".to_string(), s(cursor))]));
        let mut ids = Vec::new();
        loop {
            let output = self
                .meter
                .dynamodb(
                    self.db
                        .scan()
                        .table_name(&self.settings.sessions_table)
                        // Tickets share the table and expire too; only sessions have a user.
                        .filter_expression("expires_at <= :now AND attribute_exists(user_id)")
                        .projection_expression("id")
                        .expression_attribute_values(":now", time(now))
                        .set_exclusive_start_key(start)
                        .send(),
                )
                .await
                .map_err(sdk_error("Scan sessions"))?;
            for item in output.items() {
                ids.push(get_id(item, "id")?);
            }
            let next = output
                .last_evaluated_key()
                .and_then(|key| key.get("id"))
                .and_then(|id| id.as_s().ok())
                .cloned();
            match next {
                Some(next) if ids.len() < page.limit => {
                    start = Some(HashMap::from([("id".to_string(), s(&next))]));
                }
                next => return Ok(Page { items: ids, next }),
            }
        }
    }
}
