//! Attachments: announced, uploaded straight to the file store by a signed URL, then named
//! by one send; links to them are signed, short-lived and issued only to members.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::message::{
    Attachment, AttachmentRecord, MAX_ATTACHMENTS, Message, file_key, validate_attachment,
};
use crate::domain::{Error, Id, Result, new_id};
use crate::ports::UploadGrant;

use super::{Caller, Services};

/// How long an upload URL stays valid.
const UPLOAD_VALID: Duration = Duration::from_secs(15 * 60);
/// How long a download link stays valid: a member removed from the group can use the links
/// they had for at most this long, and gets no new ones.
const DOWNLOAD_VALID: Duration = Duration::from_secs(3600);

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct AttachmentInput {
    /// 1 to 255 characters, without control characters or slashes.
    pub filename: String,
    /// An image, PDF, plain text, or common audio or video type.
    pub content_type: String,
    /// In bytes: 1 to the configured limit (25 MB by default). The upload must be exactly
    /// this long.
    pub size: u64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AttachmentGrant {
    pub attachment: Attachment,
    pub upload: UploadGrant,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl Services {
    /// A member announces a file for the group and gets where to upload it.
    pub async fn create_attachment(
        &self,
        caller: &Caller,
        group_id: Id,
        input: AttachmentInput,
    ) -> Result<AttachmentGrant> {
        validate_attachment(
            &input.filename,
            &input.content_type,
            input.size,
            self.config.max_attachment_bytes,
        )?;
        self.membership(caller, group_id).await?;
        let now = self.ports.clock.now();
        let record = AttachmentRecord {
            attachment: Attachment {
                id: new_id(),
                filename: input.filename,
                content_type: input.content_type,
                size: input.size,
                url: String::new(),
            },
            group_id,
            uploader_id: caller.user.id,
            created_at: now,
            used_by: None,
        };
        self.ports.attachments.insert_attachment(&record).await?;
        let upload = self
            .ports
            .files
            .upload_grant(
                &record.file_key(),
                &record.attachment.content_type,
                record.attachment.size,
                now.plus_millis(millis(UPLOAD_VALID)),
            )
            .await?;
        Ok(AttachmentGrant {
            attachment: record.attachment,
            upload,
        })
    }

    /// The attachments a send names, each uploaded in full by the sender to this group and in
    /// no other message; claimed for this send (a retry of it may claim them again).
    pub(super) async fn attachments_for_send(
        &self,
        caller: &Caller,
        group_id: Id,
        ids: &[Id],
        client_msg_id: &str,
    ) -> Result<Vec<Attachment>> {
        if ids.len() > MAX_ATTACHMENTS {
            return Err(Error::Invalid(format!(
                "a message has at most {MAX_ATTACHMENTS} attachments"
            )));
        }
        let mut attachments = Vec::with_capacity(ids.len());
        for (at, id) in ids.iter().enumerate() {
            if ids[..at].contains(id) {
                return Err(Error::Invalid(format!("attachment {id} is named twice")));
            }
            let record = self
                .ports
                .attachments
                .attachment(*id)
                .await?
                .filter(|r| r.group_id == group_id && r.uploader_id == caller.user.id)
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "attachment {id} was not announced by you for this group"
                    ))
                })?;
            if self.ports.files.stored_size(&record.file_key()).await?
                != Some(record.attachment.size)
            {
                return Err(Error::Invalid(format!(
                    "attachment {id} is not uploaded (in full) yet"
                )));
            }
            let claim = format!("{}/{client_msg_id}", caller.user.id);
            match self.ports.attachments.claim_attachment(*id, &claim).await {
                Ok(()) => {}
                Err(Error::Conflict(_)) => {
                    return Err(Error::Invalid(format!(
                        "attachment {id} is in another message"
                    )));
                }
                Err(other) => return Err(other),
            }
            attachments.push(record.attachment);
        }
        Ok(attachments)
    }

    /// Says the files of a stored message are in use (so the store keeps them).
    pub(super) async fn keep_attachments(&self, message: &Message) {
        for attachment in &message.attachments {
            let key = file_key(message.group_id, attachment.id);
            if let Err(error) = self.ports.files.mark_used(&key).await {
                tracing::warn!(%error, %key, "marking an attachment used failed");
            }
        }
    }

    /// Deletes the files of a message that was deleted; a failure leaves the file to the
    /// store's own clean-up and is logged.
    pub(super) async fn drop_attachments(&self, message: &Message) {
        for attachment in &message.attachments {
            let key = file_key(message.group_id, attachment.id);
            if let Err(error) = self.ports.files.delete_file(&key).await {
                tracing::warn!(%error, %key, "deleting an attachment's file failed");
            }
        }
    }

    /// The message with fresh download links on its attachments.
    pub(super) async fn with_links(&self, mut message: Message) -> Result<Message> {
        let expires_at = self.ports.clock.now().plus_millis(millis(DOWNLOAD_VALID));
        for attachment in &mut message.attachments {
            attachment.url = self
                .ports
                .files
                .download_url(
                    &file_key(message.group_id, attachment.id),
                    &attachment.filename,
                    &attachment.content_type,
                    expires_at,
                )
                .await?;
        }
        Ok(message)
    }
}
