//! Creates the tables on an emulator (tests, local runs). Deployments get the same tables
//! from `template.yaml`: keep both in step.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};

use super::{AwsAdapters, AwsSettings, sdk_error};
use crate::domain::{Error, Result};

/// An attribute of a key: its name, type and role.
/// The attributes the sessions table's `by_user` index projects besides its keys (and the
/// table's key, `id`): as in `template.yaml`.
pub const SESSION_INDEX_ATTRIBUTES: &[&str] = &["device", "created_at"];

type Key<'a> = (&'a str, ScalarAttributeType, KeyType);

/// A global secondary index: its name, keys and the attributes it projects besides the keys
/// (`None`: all).
type Index<'a> = (&'a str, &'a [Key<'a>], Option<&'a [&'a str]>);

struct Table<'a> {
    name: &'a str,
    keys: &'a [Key<'a>],
    /// A global secondary index: its name and keys.
    index: Option<Index<'a>>,
    ttl: bool,
}

fn tables(settings: &AwsSettings) -> Vec<Table<'_>> {
    use KeyType::{Hash, Range};
    use ScalarAttributeType::{N, S};
    vec![
        Table {
            name: &settings.users_table,
            keys: &[("pk", S, Hash)],
            index: None,
            ttl: false,
        },
        Table {
            name: &settings.sessions_table,
            keys: &[("id", S, Hash)],
            // What fan-out and the session cap need, never the secret's hash.
            index: Some((
                "by_user",
                &[("user_id", S, Hash), ("expires_at", N, Range)],
                Some(SESSION_INDEX_ATTRIBUTES),
            )),
            ttl: true,
        },
        Table {
            name: &settings.groups_table,
            keys: &[("pk", S, Hash), ("sk", S, Range)],
            index: Some((
                "by_member",
                &[("member_user_id", S, Hash), ("pk", S, Range)],
                None,
            )),
            ttl: false,
        },
        Table {
            name: &settings.messages_table,
            keys: &[("group_id", S, Hash), ("seq", N, Range)],
            index: None,
            ttl: false,
        },
        Table {
            name: &settings.idempotency_table,
            keys: &[("key", S, Hash)],
            index: None,
            ttl: true,
        },
        Table {
            name: &settings.money_table,
            keys: &[("pk", S, Hash), ("sk", S, Range)],
            index: None,
            ttl: false,
        },
    ]
}

fn key_schema(keys: &[Key<'_>]) -> Result<Vec<KeySchemaElement>> {
    keys.iter()
        .map(|(name, _, kind)| {
            KeySchemaElement::builder()
                .attribute_name(*name)
                .key_type(kind.clone())
                .build()
                .map_err(Error::internal)
        })
        .collect()
}

/// Creates every table with its keys, index and TTL setting.
pub async fn create_tables(adapters: &AwsAdapters) -> Result<()> {
    for table in tables(&adapters.settings) {
        let mut definitions: Vec<(&str, ScalarAttributeType)> = Vec::new();
        let index_keys = table.index.map(|(_, keys, _)| keys).unwrap_or(&[]);
        for (name, kind, _) in table.keys.iter().chain(index_keys) {
            if !definitions.iter().any(|(n, _)| n == name) {
                definitions.push((name, kind.clone()));
            }
        }
        let mut request = adapters
            .db
            .create_table()
            .table_name(table.name)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(key_schema(table.keys)?));
        for (name, kind) in definitions {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(name)
                    .attribute_type(kind)
                    .build()
                    .map_err(Error::internal)?,
            );
        }
        if let Some((index_name, keys, projected)) = table.index {
            let projection = match projected {
                None => Projection::builder().projection_type(ProjectionType::All),
                Some(attributes) => Projection::builder()
                    .projection_type(ProjectionType::Include)
                    .set_non_key_attributes(Some(
                        attributes.iter().map(|a| a.to_string()).collect(),
                    )),
            };
            request = request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(index_name)
                    .set_key_schema(Some(key_schema(keys)?))
                    .projection(projection.build())
                    .build()
                    .map_err(Error::internal)?,
            );
        }
        request.send().await.map_err(sdk_error("CreateTable"))?;
        if table.ttl {
            adapters
                .db
                .update_time_to_live()
                .table_name(table.name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name("ttl")
                        .enabled(true)
                        .build()
                        .map_err(Error::internal)?,
                )
                .send()
                .await
                .map_err(sdk_error("UpdateTimeToLive"))?;
        }
    }
    Ok(())
}

async fn emulator_config(
    endpoint: &str,
    access_key_id: &str,
    secret: &str,
) -> aws_config::SdkConfig {
    let credentials =
        aws_sdk_dynamodb::config::Credentials::new(access_key_id, secret, None, None, "emulator");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .load()
        .await
}

/// Deletes the tables named from `prefix` and the queues under it, where they exist.
pub async fn reset_on_emulator(endpoint: &str, prefix: &str) -> Result<()> {
    let config = emulator_config(endpoint, "test", "test").await;
    reset(&AwsAdapters::new(&config, AwsSettings::with_prefix(prefix))).await
}

/// Deletes the adapters' tables and the queues under their prefix, where they exist.
pub async fn reset(adapters: &AwsAdapters) -> Result<()> {
    for table in tables(&adapters.settings) {
        // A table that is not there is already reset.
        let _ = adapters
            .db
            .delete_table()
            .table_name(table.name)
            .send()
            .await;
    }
    let queues = adapters
        .sqs
        .list_queues()
        .queue_name_prefix(format!("{}-", adapters.settings.queue_prefix))
        .send()
        .await
        .map_err(sdk_error("ListQueues"))?;
    for url in queues.queue_urls() {
        adapters
            .sqs
            .delete_queue()
            .queue_url(url)
            .send()
            .await
            .map_err(sdk_error("DeleteQueue"))?;
    }
    if let Some(bucket) = &adapters.settings.attachments_bucket {
        // A bucket that is not there is already reset; one that is must be emptied first.
        if let Ok(listed) = adapters.s3.list_objects_v2().bucket(bucket).send().await {
            for object in listed.contents() {
                if let Some(key) = object.key() {
                    let _ = adapters
                        .s3
                        .delete_object()
                        .bucket(bucket)
                        .key(key)
                        .send()
                        .await;
                }
            }
            let _ = adapters.s3.delete_bucket().bucket(bucket).send().await;
        }
    }
    Ok(())
}

/// Adapters against an AWS emulator at `endpoint` (moto, say), with dummy credentials and
/// fresh tables named from `prefix`: what the AWS tests and local runs use.
pub async fn on_emulator(
    endpoint: &str,
    prefix: &str,
    visibility: std::time::Duration,
) -> Result<std::sync::Arc<AwsAdapters>> {
    let adapters = emulator_adapters_as(endpoint, prefix, visibility, "test", "test").await?;
    create_tables(&adapters).await?;
    create_attachments_bucket(&adapters).await?;
    Ok(adapters)
}

/// Makes the attachments bucket the settings name (the template's `AttachmentsBucket`).
pub async fn create_attachments_bucket(adapters: &AwsAdapters) -> Result<()> {
    if let Some(bucket) = &adapters.settings.attachments_bucket {
        adapters
            .s3
            .create_bucket()
            .bucket(bucket)
            .send()
            .await
            .map_err(sdk_error("CreateBucket"))?;
    }
    Ok(())
}

/// Adapters against an emulator's existing tables named from `prefix`, signing as the given
/// IAM user (the emulator checks its policy once its IAM checks are on).
pub async fn emulator_adapters_as(
    endpoint: &str,
    prefix: &str,
    visibility: std::time::Duration,
    access_key_id: &str,
    secret_access_key: &str,
) -> Result<std::sync::Arc<AwsAdapters>> {
    let mut settings = AwsSettings::with_prefix(prefix);
    settings.visibility = visibility;
    emulator_adapters_with(endpoint, settings, access_key_id, secret_access_key).await
}

/// Adapters against an emulator with these settings (a live management URL, say).
pub async fn emulator_adapters_with(
    endpoint: &str,
    settings: AwsSettings,
    access_key_id: &str,
    secret_access_key: &str,
) -> Result<std::sync::Arc<AwsAdapters>> {
    settings.validate()?;
    let config = emulator_config(endpoint, access_key_id, secret_access_key).await;
    Ok(AwsAdapters::new(&config, settings))
}

/// Adapters on an emulator's fresh tables, with a fan-out worker queue of their own
/// (`<prefix>-fan-out`, whose URL the settings carry): large fan-outs go to it.
pub async fn on_emulator_with_fan_out_queue(
    endpoint: &str,
    prefix: &str,
    visibility: std::time::Duration,
) -> Result<std::sync::Arc<AwsAdapters>> {
    let plain = on_emulator(endpoint, prefix, visibility).await?;
    let mut settings = plain.settings.clone();
    settings.fan_out_queue_url = Some(create_fan_out_queue(&plain).await?);
    emulator_adapters_with(endpoint, settings, "test", "test").await
}

/// Makes the fan-out worker's queue, `<prefix>-fan-out` (as `scripts/iam-setup.py` names the
/// template's `FanOutQueue`), and returns its URL.
pub async fn create_fan_out_queue(adapters: &AwsAdapters) -> Result<String> {
    let created = adapters
        .sqs
        .create_queue()
        .queue_name(format!("{}-fan-out", adapters.settings.queue_prefix))
        .send()
        .await
        .map_err(sdk_error("CreateQueue fan-out"))?;
    created
        .queue_url()
        .map(str::to_string)
        .ok_or_else(|| Error::internal("CreateQueue gave no URL"))
}
