//! Attachments on AWS: their records in the idempotency table (`ATTACH#<id>`), their bytes in
//! the attachments bucket under `<group>/<attachment>`, reached by presigned URLs. An upload
//! is tagged `state=pending` until a message uses it: the bucket's lifecycle rule deletes
//! pending objects after a day.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{Tag, Tagging};

use super::attrs::{Item, get_id, get_n, get_opt_s, get_s, get_time, id, item, n, s, time};
use super::{AwsAdapters, sdk_error, written};
use crate::domain::message::{Attachment, AttachmentRecord, percent_encode};
use crate::domain::{Error, Id, Result, Timestamp};
use crate::ports::{AttachmentStore, FileStore, UploadGrant};

fn record_key(id: Id) -> String {
    format!("ATTACH#{id}")
}

fn record_from(item: &Item) -> Result<AttachmentRecord> {
    Ok(AttachmentRecord {
        attachment: Attachment {
            id: get_id(item, "attachment_id")?,
            filename: get_s(item, "filename")?,
            content_type: get_s(item, "content_type")?,
            size: u64::try_from(get_n(item, "size")?).map_err(Error::internal)?,
            url: String::new(),
        },
        group_id: get_id(item, "group_id")?,
        uploader_id: get_id(item, "uploader_id")?,
        created_at: get_time(item, "created_at")?,
        used_by: get_opt_s(item, "used_by"),
    })
}

impl AwsAdapters {
    fn bucket(&self) -> Result<&str> {
        self.settings
            .attachments_bucket
            .as_deref()
            .ok_or_else(|| Error::Unavailable("attachments are not configured".to_string()))
    }

    /// How long from now until `at`, at least a second (S3 refuses 0).
    fn valid_for(&self, at: Timestamp) -> Duration {
        let millis = at.as_millis() - self.clock.now().as_millis();
        Duration::from_millis(u64::try_from(millis).unwrap_or(0).max(1000))
    }
}

#[async_trait]
impl AttachmentStore for AwsAdapters {
    async fn insert_attachment(&self, record: &AttachmentRecord) -> Result<()> {
        let size = i64::try_from(record.attachment.size).map_err(Error::internal)?;
        self.meter
            .dynamodb(
                self.db
                    .put_item()
                    .table_name(&self.settings.idempotency_table)
                    .set_item(Some(item([
                        ("key", Some(s(record_key(record.attachment.id)))),
                        ("attachment_id", Some(id(record.attachment.id))),
                        ("filename", Some(s(&record.attachment.filename))),
                        ("content_type", Some(s(&record.attachment.content_type))),
                        ("size", Some(n(size))),
                        ("group_id", Some(id(record.group_id))),
                        ("uploader_id", Some(id(record.uploader_id))),
                        ("created_at", Some(time(record.created_at))),
                    ])))
                    .condition_expression("attribute_not_exists(#key)")
                    .expression_attribute_names("#key", "key")
                    .send(),
            )
            .await
            .map_err(sdk_error("PutItem attachment"))?;
        Ok(())
    }

    async fn attachment(&self, attachment_id: Id) -> Result<Option<AttachmentRecord>> {
        let output = self
            .meter
            .dynamodb(
                self.db
                    .get_item()
                    .table_name(&self.settings.idempotency_table)
                    .consistent_read(true)
                    .key("key", s(record_key(attachment_id)))
                    .send(),
            )
            .await
            .map_err(sdk_error("GetItem attachment"))?;
        output.item().map(record_from).transpose()
    }

    async fn claim_attachment(&self, attachment_id: Id, claim: &str) -> Result<()> {
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(&self.settings.idempotency_table)
                    .key("key", s(record_key(attachment_id)))
                    .update_expression("SET used_by = :claim")
                    .condition_expression(
                        "attribute_exists(#key) AND (attribute_not_exists(used_by) OR used_by = :claim)",
                    )
                    .expression_attribute_names("#key", "key")
                    .expression_attribute_values(":claim", s(claim))
                    .send(),
            )
            .await;
        written(outcome, "UpdateItem attachment claim")?
            .map(|_| ())
            .ok_or_else(|| Error::Conflict("the attachment is in another message".to_string()))
    }
}

#[async_trait]
impl FileStore for AwsAdapters {
    async fn upload_grant(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        expires_at: Timestamp,
    ) -> Result<UploadGrant> {
        let presigned = self
            .s3
            .put_object()
            .bucket(self.bucket()?)
            .key(key)
            .content_type(content_type)
            .content_length(i64::try_from(size).map_err(Error::internal)?)
            .tagging("state=pending")
            .presigned(
                PresigningConfig::expires_in(self.valid_for(expires_at))
                    .map_err(Error::internal)?,
            )
            .await
            .map_err(sdk_error("presigning PutObject"))?;
        // What the client must send besides the body; it sends host and length itself.
        let headers: BTreeMap<String, String> = presigned
            .headers()
            .filter(|(name, _)| {
                !matches!(
                    name.to_ascii_lowercase().as_str(),
                    "host" | "content-length"
                )
            })
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_string()))
            .collect();
        Ok(UploadGrant {
            method: "PUT".to_string(),
            url: presigned.uri().to_string(),
            headers,
            expires_at,
        })
    }

    async fn download_url(
        &self,
        key: &str,
        filename: &str,
        content_type: &str,
        expires_at: Timestamp,
    ) -> Result<String> {
        let presigned = self
            .s3
            .get_object()
            .bucket(self.bucket()?)
            .key(key)
            .response_content_type(content_type)
            .response_content_disposition(format!(
                "inline; filename*=UTF-8''{}",
                percent_encode(filename)
            ))
            .presigned(
                PresigningConfig::expires_in(self.valid_for(expires_at))
                    .map_err(Error::internal)?,
            )
            .await
            .map_err(sdk_error("presigning GetObject"))?;
        Ok(presigned.uri().to_string())
    }

    async fn stored_size(&self, key: &str) -> Result<Option<u64>> {
        let outcome = self
            .meter
            .s3(self.s3.head_object().bucket(self.bucket()?).key(key).send())
            .await;
        match outcome {
            Ok(head) => Ok(Some(
                u64::try_from(head.content_length().unwrap_or(0)).unwrap_or(0),
            )),
            Err(error) => {
                let service = error.into_service_error();
                if service.is_not_found() {
                    Ok(None)
                } else {
                    Err(sdk_error("HeadObject")(service))
                }
            }
        }
    }

    async fn mark_used(&self, key: &str) -> Result<()> {
        let tag = Tag::builder()
            .key("state")
            .value("used")
            .build()
            .map_err(Error::internal)?;
        self.meter
            .s3(self
                .s3
                .put_object_tagging()
                .bucket(self.bucket()?)
                .key(key)
                .tagging(
                    Tagging::builder()
                        .tag_set(tag)
                        .build()
                        .map_err(Error::internal)?,
                )
                .send())
            .await
            .map_err(sdk_error("PutObjectTagging"))?;
        Ok(())
    }

    async fn delete_file(&self, key: &str) -> Result<()> {
        self.meter
            .s3(self
                .s3
                .delete_object()
                .bucket(self.bucket()?)
                .key(key)
                .send())
            .await
            .map_err(sdk_error("DeleteObject"))?;
        Ok(())
    }
}
