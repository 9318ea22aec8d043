//! The AWS adapter set: DynamoDB for every store, one SQS queue per session for the inbox.
//!
//! Tables (their definitions live twice: `template.yaml` for deployments and [`provision`]
//! for emulators; keep them in step):
//! - users: `pk` = `USER#<id>` (the user) and `NAME#<lower-case username>` (a copy that makes
//!   the name unique, written in the same transaction).
//! - sessions: `id`; GSI `by_user` (`user_id`, `expires_at`); TTL on `ttl`.
//! - groups: `pk` = group id with `sk` = `GROUP` (the group and its `last_seq`),
//!   `MEMBER#<user id>` (one per member; GSI `by_member` on `member_user_id`) and `TIMER`;
//!   `pk` = `DIRECT#<pair>` makes one direct chat per pair.
//! - messages: `group_id`, `seq`.
//! - idempotency: `key`; message sends, credits and charges, kept 48 hours (TTL on `ttl`,
//!   and reads ignore expired records since TTL deletion is lazy); `SOURCE#` markers (a timer
//!   run charged) never expire.
//! - money: `pk` = `WALLET#<user id>` with `sk` = `BALANCE#<currency>`, `ENTRY#<time>#<id>`
//!   (the ledger) and `CHARGE#<time>#<id>` (a copy of each charge for payer and payee).

mod attachments;
mod attrs;
mod blocks;
mod failures;
mod fanout;
mod groups;
mod inbox;
mod live;
mod messages;
mod meter;
mod money;
pub mod provision;
mod reactions;
mod sessions;
mod users;

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::Client as DynamoDb;
use aws_sdk_sqs::Client as Sqs;

pub use meter::{CallCounts, Meter};
pub use users::PUBLIC_USER_ATTRIBUTES;

use crate::config::{config_from_env, seconds_from_env};
use crate::domain::{Error, Result};
use crate::ports::{Clock, Ports, SystemClock};
use crate::service::Services;

/// Where everything lives: table names and the queue name prefix.
#[derive(Clone, Debug)]
pub struct AwsSettings {
    pub users_table: String,
    pub sessions_table: String,
    pub groups_table: String,
    pub messages_table: String,
    pub idempotency_table: String,
    pub money_table: String,
    /// Every session queue is named `<prefix>-<session id>`; IAM allows queue actions on
    /// `<prefix>-*` only.
    pub queue_prefix: String,
    pub visibility: Duration,
    /// The WebSocket API's management endpoint
    /// (`https://<api id>.execute-api.<region>.amazonaws.com/<stage>`); without one nothing
    /// is pushed and every event is queued.
    pub live_management_url: Option<String>,
    /// The fan-out worker's queue; without one every fan-out runs in the request.
    pub fan_out_queue_url: Option<String>,
    /// The bucket of attachments' bytes; without one attachments are refused (503).
    pub attachments_bucket: Option<String>,
}

/// Adapters with clients that are never sent anything: for unit tests of how requests are built.
#[cfg(test)]
pub(crate) fn offline_adapters() -> Arc<AwsAdapters> {
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-1"))
        .build();
    AwsAdapters::new(&config, AwsSettings::with_prefix("unit"))
}

/// A queue name is at most 80 characters and `<prefix>-` plus 32 hex digits.
pub const MAX_QUEUE_PREFIX: usize = 80 - 33;

impl AwsSettings {
    /// Names derived from one prefix: `<prefix>-users`, ... and queues `<prefix>-<session>`.
    pub fn with_prefix(prefix: &str) -> AwsSettings {
        AwsSettings {
            users_table: format!("{prefix}-users"),
            sessions_table: format!("{prefix}-sessions"),
            groups_table: format!("{prefix}-groups"),
            messages_table: format!("{prefix}-messages"),
            idempotency_table: format!("{prefix}-idempotency"),
            money_table: format!("{prefix}-money"),
            queue_prefix: prefix.to_string(),
            visibility: crate::service::DEFAULT_VISIBILITY,
            live_management_url: None,
            fan_out_queue_url: None,
            attachments_bucket: Some(format!("{}-attachments", prefix.to_lowercase())),
        }
    }

    /// From `CHAT_USERS_TABLE`, `CHAT_SESSIONS_TABLE`, `CHAT_GROUPS_TABLE`,
    /// `CHAT_MESSAGES_TABLE`, `CHAT_IDEMPOTENCY_TABLE`, `CHAT_MONEY_TABLE`, `CHAT_QUEUE_PREFIX`
    /// `CHAT_VISIBILITY_SECONDS` (default 30), `CHAT_LIVE_MANAGEMENT_URL` and
    /// `CHAT_FAN_OUT_QUEUE_URL` and `CHAT_ATTACHMENTS_BUCKET` (all optional).
    pub fn from_env() -> Result<AwsSettings> {
        let var = |name: &str| {
            std::env::var(name).map_err(|_| Error::Invalid(format!("{name} is not set")))
        };
        let settings = AwsSettings {
            users_table: var("CHAT_USERS_TABLE")?,
            sessions_table: var("CHAT_SESSIONS_TABLE")?,
            groups_table: var("CHAT_GROUPS_TABLE")?,
            messages_table: var("CHAT_MESSAGES_TABLE")?,
            idempotency_table: var("CHAT_IDEMPOTENCY_TABLE")?,
            money_table: var("CHAT_MONEY_TABLE")?,
            queue_prefix: var("CHAT_QUEUE_PREFIX")?,
            visibility: seconds_from_env(
                "CHAT_VISIBILITY_SECONDS",
                crate::service::DEFAULT_VISIBILITY,
            )?,
            live_management_url: std::env::var("CHAT_LIVE_MANAGEMENT_URL")
                .ok()
                .filter(|url| !url.is_empty()),
            fan_out_queue_url: std::env::var("CHAT_FAN_OUT_QUEUE_URL")
                .ok()
                .filter(|url| !url.is_empty()),
            attachments_bucket: std::env::var("CHAT_ATTACHMENTS_BUCKET")
                .ok()
                .filter(|bucket| !bucket.is_empty()),
        };
        settings.validate()?;
        Ok(settings)
    }

    pub fn validate(&self) -> Result<()> {
        let prefix = &self.queue_prefix;
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if prefix.is_empty() || prefix.len() > MAX_QUEUE_PREFIX || !prefix.chars().all(allowed) {
            return Err(Error::Invalid(format!(
                "the queue prefix must be 1 to {MAX_QUEUE_PREFIX} of [A-Za-z0-9_-]"
            )));
        }
        Ok(())
    }
}

/// The DynamoDB and SQS clients with the settings, shared by every adapter.
pub struct AwsAdapters {
    pub(crate) db: DynamoDb,
    pub(crate) sqs: Sqs,
    pub(crate) s3: aws_sdk_s3::Client,
    pub(crate) settings: AwsSettings,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) meter: Meter,
    /// `https://sqs.<region>.amazonaws.com/<account>/`, learnt from the first queue URL, so
    /// that sending needs no `GetQueueUrl`.
    pub(crate) queue_url_base: std::sync::OnceLock<String>,
    /// API Gateway's management API for the WebSocket API's connections.
    pub(crate) live_api: Option<aws_sdk_apigatewaymanagement::Client>,
}

impl AwsAdapters {
    /// Clients from the environment's AWS settings (region, credentials, and
    /// `AWS_ENDPOINT_URL` for an emulator), built once per process.
    pub async fn from_env(settings: AwsSettings) -> Arc<AwsAdapters> {
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        AwsAdapters::new(&config, settings)
    }

    pub fn new(config: &aws_config::SdkConfig, settings: AwsSettings) -> Arc<AwsAdapters> {
        Arc::new(AwsAdapters {
            db: DynamoDb::from_conf(
                aws_sdk_dynamodb::config::Builder::from(config)
                    .timeout_config(call_timeouts())
                    .build(),
            ),
            sqs: Sqs::from_conf(
                aws_sdk_sqs::config::Builder::from(config)
                    .timeout_config(call_timeouts())
                    .build(),
            ),
            // An emulator (an endpoint override) serves buckets by path, not by host name.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(config)
                    .timeout_config(call_timeouts())
                    .force_path_style(config.endpoint_url().is_some())
                    .build(),
            ),
            clock: Arc::new(SystemClock),
            meter: Meter::default(),
            queue_url_base: std::sync::OnceLock::new(),
            live_api: settings_live_api(config, &settings),
            settings,
        })
    }

    pub fn ports(self: &Arc<Self>) -> Ports {
        Ports {
            users: self.clone(),
            sessions: self.clone(),
            groups: self.clone(),
            messages: self.clone(),
            inbox: self.clone(),
            timers: self.clone(),
            ledger: self.clone(),
            tickets: self.clone(),
            connections: self.clone(),
            push: self.clone(),
            failures: self.clone(),
            blocks: self.clone(),
            attachments: self.clone(),
            files: self.clone(),
            fan_out_queue: self
                .settings
                .fan_out_queue_url
                .is_some()
                .then(|| self.clone() as Arc<dyn crate::ports::FanOutQueue>),
            clock: self.clock.clone(),
        }
    }

    /// How many calls each service has answered, and the most that were in flight at once.
    pub fn call_counts(&self) -> CallCounts {
        self.meter.counts()
    }

    /// Starts a new measurement of [`Self::call_counts`].
    pub fn reset_call_counts(&self) {
        self.meter.reset();
    }

    pub fn dynamodb(&self) -> &DynamoDb {
        &self.db
    }

    pub fn sqs(&self) -> &Sqs {
        &self.sqs
    }

    pub fn s3(&self) -> &aws_sdk_s3::Client {
        &self.s3
    }

    pub fn settings(&self) -> &AwsSettings {
        &self.settings
    }
}

/// Services on AWS, configured from the environment: what each Lambda builds at init.
pub async fn services_from_env() -> Result<Services> {
    Ok(adapters_and_services_from_env().await?.1)
}

/// The adapters too, for a function that needs AWS-only calls (the live channel's).
pub async fn adapters_and_services_from_env() -> Result<(Arc<AwsAdapters>, Services)> {
    let adapters = AwsAdapters::from_env(AwsSettings::from_env()?).await;
    let services = Services::new(adapters.ports(), config_from_env()?);
    Ok((adapters, services))
}

impl AwsAdapters {
    /// Every page of a query, stopping early once `limit` items are in when one is given.
    pub(crate) async fn query_all(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
        operation: &str,
        limit: Option<usize>,
    ) -> Result<Vec<attrs::Item>> {
        self.query_all_from(query, operation, limit, None).await
    }

    /// Every item the `keys` name in `table`, in no particular order: one consistent
    /// BatchGetItem per 100 keys (the caller names each key once, as DynamoDB requires),
    /// reading only `projection` when given. Unprocessed keys are asked again with exponential
    /// back-off; keys still unprocessed after that are a 503.
    pub(crate) async fn batch_get(
        &self,
        table: &str,
        keys: Vec<attrs::Item>,
        projection: Option<&[&str]>,
        operation: &str,
    ) -> Result<Vec<attrs::Item>> {
        use aws_sdk_dynamodb::types::KeysAndAttributes;
        let mut found = Vec::new();
        for chunk in keys.chunks(100) {
            let mut request = KeysAndAttributes::builder()
                .consistent_read(true)
                .set_keys(Some(chunk.to_vec()));
            if let Some(names) = projection {
                // Through placeholders: some attribute names are DynamoDB reserved words.
                let expression = (0..names.len())
                    .map(|n| format!("#p{n}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                request = names
                    .iter()
                    .enumerate()
                    .fold(request.projection_expression(expression), |r, (n, name)| {
                        r.expression_attribute_names(format!("#p{n}"), *name)
                    });
            }
            let mut pending = Some(request.build().map_err(Error::internal)?);
            for attempt in 0..8 {
                let Some(request) = pending.take() else { break };
                if attempt > 0 {
                    messages::back_off(attempt).await;
                }
                let output = self
                    .meter
                    .dynamodb(
                        self.db
                            .batch_get_item()
                            .request_items(table, request)
                            .send(),
                    )
                    .await
                    .map_err(sdk_error(operation))?;
                found.extend(
                    output
                        .responses()
                        .and_then(|r| r.get(table))
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
                pending = output
                    .unprocessed_keys()
                    .and_then(|u| u.get(table))
                    .filter(|k| !k.keys().is_empty())
                    .cloned();
            }
            if pending.is_some() {
                return Err(messages::contended(operation));
            }
        }
        Ok(found)
    }

    /// [`Self::query_all`] from after the key `start`.
    pub(crate) async fn query_all_from(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
        operation: &str,
        limit: Option<usize>,
        mut start: Option<attrs::Item>,
    ) -> Result<Vec<attrs::Item>> {
        let mut items = Vec::new();
        loop {
            let output = self
                .meter
                .dynamodb(query.clone().set_exclusive_start_key(start).send())
                .await
                .map_err(sdk_error(operation))?;
            items.extend(output.items().iter().cloned());
            start = output.last_evaluated_key().cloned();
            if start.is_none() || limit.is_some_and(|l| items.len() >= l) {
                return Ok(items);
            }
        }
    }
}

/// The management API client, pointed at the WebSocket API's stage, when there is one.
/// Every call's time limits: a stalled connection or call fails within seconds (and is
/// retried by the SDK within the operation's limit) instead of eating a Lambda's budget. A
/// long poll's receive sets its own ([`receive_timeouts`]).
pub(crate) fn call_timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .read_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(9))
        .build()
}

/// A receive that waits `wait_seconds` on the queue: that long plus the usual margin.
pub(crate) fn receive_timeouts(wait_seconds: u64) -> aws_config::timeout::TimeoutConfig {
    let wait = Duration::from_secs(wait_seconds);
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .read_timeout(wait + Duration::from_secs(5))
        .operation_attempt_timeout(wait + Duration::from_secs(5))
        .operation_timeout(wait + Duration::from_secs(9))
        .build()
}

fn settings_live_api(
    config: &aws_config::SdkConfig,
    settings: &AwsSettings,
) -> Option<aws_sdk_apigatewaymanagement::Client> {
    let url = settings.live_management_url.as_ref()?;
    let config = aws_sdk_apigatewaymanagement::config::Builder::from(config)
        .endpoint_url(url)
        .timeout_config(call_timeouts())
        .build();
    Some(aws_sdk_apigatewaymanagement::Client::from_conf(config))
}

/// Maps an SDK failure to an internal error that names the operation (the details are
/// logged, never shown to clients).
pub(crate) fn sdk_error<E: std::fmt::Debug>(operation: &str) -> impl FnOnce(E) -> Error + '_ {
    move |error| Error::internal(format!("{operation}: {error:?}"))
}

/// Whether a DynamoDB call failed on its condition expression (any operation's error).
pub(crate) fn failed_condition<E: aws_sdk_dynamodb::error::ProvideErrorMetadata>(
    error: &E,
) -> bool {
    error.code() == Some("ConditionalCheckFailedException")
}

/// A conditional write's answer: `Some(output)` when it was written, `None` when its
/// condition failed; any other failure is an internal error naming `operation`.
pub(crate) fn written<O, E, R>(
    outcome: std::result::Result<O, aws_sdk_dynamodb::error::SdkError<E, R>>,
    operation: &str,
) -> Result<Option<O>>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match outcome {
        Ok(output) => Ok(Some(output)),
        Err(error) if failed_condition(&error) => Ok(None),
        Err(error) => Err(sdk_error(operation)(error)),
    }
}
