use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::event::{Event, EventKind};
use crate::domain::group::{GroupKind, GroupRole};
use crate::domain::message::{
    Appended, HistoryPage, HistoryQuery, Message, NewMessage, message_not_found,
    validate_client_msg_id, validate_emoji, validate_text,
};
use crate::domain::user::Role;
use crate::domain::{Error, Id, Result, new_id};

use super::groups::group_not_found;
use super::{Caller, Services};

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct SendMessageInput {
    /// Up to 16,384 bytes of UTF-8: at least 1 unless the message has attachments.
    pub text: String,
    /// Chosen by the sender's device, 1 to 64 characters: a retry with the same id returns
    /// the original message and stores nothing new.
    #[schema(min_length = 1, max_length = 64)]
    pub client_msg_id: String,
    /// The `seq` of the message this one answers, in the same group (else 400).
    #[serde(default)]
    pub reply_to: Option<i64>,
    /// Up to 10 attachments, each announced by the sender for this group, uploaded in full
    /// and in no other message (else 400). With attachments, `text` may be empty.
    #[serde(default)]
    pub attachments: Vec<uuid::Uuid>,
}

impl Services {
    /// Stores the message first (sequence number, idempotency on `client_msg_id`), then fans
    /// it out to every live session of every member except the sending one. A retry of a send
    /// returns the original and fans it out again under the same event id, so a send whose
    /// first fan-out was cut short still reaches everyone; clients drop the duplicates.
    pub async fn send_message(
        &self,
        caller: &Caller,
        group_id: Id,
        input: SendMessageInput,
    ) -> Result<Appended> {
        let SendMessageInput {
            text,
            client_msg_id,
            reply_to,
            attachments,
        } = input;
        // A file may go without a caption.
        if !text.is_empty() || attachments.is_empty() {
            validate_text(&text)?;
        }
        validate_client_msg_id(&client_msg_id)?;
        // One read for the membership check, the sequence hint and the recipients.
        let (group, members) = self
            .ports
            .groups
            .group_with_members(group_id)
            .await?
            .ok_or_else(group_not_found)?;
        // The list may lag behind a member just added; the store refuses one just removed.
        if !members.iter().any(|m| m.member.user_id == caller.user.id)
            && self
                .ports
                .groups
                .member(group_id, caller.user.id)
                .await?
                .is_none()
        {
            return Err(group_not_found());
        }
        if group.kind == GroupKind::Direct {
            let other: Vec<Id> = members
                .iter()
                .map(|m| m.member.user_id)
                .filter(|id| *id != caller.user.id)
                .collect();
            if !self
                .ports
                .blocks
                .blockers_among(&other, caller.user.id)
                .await?
                .is_empty()
            {
                return Err(Error::Forbidden("you cannot message this user".to_string()));
            }
        }
        if let Some(seq) = reply_to
            && (seq < 1
                || self
                    .ports
                    .messages
                    .message_at(group_id, seq)
                    .await?
                    .is_none())
        {
            return Err(Error::Invalid(format!(
                "reply_to {seq} names no message of this group"
            )));
        }
        let attachments = self
            .attachments_for_send(caller, group_id, &attachments, &client_msg_id)
            .await?;
        let appended = self
            .ports
            .messages
            .append_message(
                &NewMessage {
                    id: new_id(),
                    group_id,
                    sender_id: caller.user.id,
                    text,
                    client_msg_id,
                    sent_at: self.ports.clock.now(),
                    reply_to,
                    attachments,
                },
                group.last_seq,
            )
            .await?;
        if appended.created {
            self.keep_attachments(&appended.message).await;
        }
        let appended = Appended {
            message: self.with_links(appended.message).await?,
            created: appended.created,
        };
        let recipients: Vec<Id> = members.iter().map(|m| m.member.user_id).collect();
        let event = Event::message(appended.message.clone());
        let delivered = self
            .fan_out(&recipients, &event, Some(caller.session.id))
            .await;
        tracing::debug!(message_id = %appended.message.id, seq = appended.message.seq, delivered, "message sent");
        Ok(appended)
    }

    pub async fn history(
        &self,
        caller: &Caller,
        group_id: Id,
        query: HistoryQuery,
    ) -> Result<HistoryPage> {
        self.membership(caller, group_id).await?;
        let page = self.ports.messages.history(group_id, query).await?;
        let mut messages = Vec::with_capacity(page.messages.len());
        for message in page.messages {
            messages.push(self.with_links(message).await?);
        }
        Ok(HistoryPage {
            messages,
            has_more: page.has_more,
        })
    }

    /// Moves the caller's read mark forward (never back, never past the newest message).
    pub async fn mark_read(&self, caller: &Caller, group_id: Id, seq: i64) -> Result<i64> {
        if seq < 0 {
            return Err(Error::Invalid("seq must be 0 or more".to_string()));
        }
        // The store checks membership as it moves the mark (one read fewer than asking first).
        let group = self
            .ports
            .groups
            .group_by_id(group_id)
            .await?
            .ok_or_else(group_not_found)?;
        self.ports
            .groups
            .advance_read_seq(group_id, caller.user.id, seq.min(group.last_seq))
            .await
    }
}

impl Services {
    /// The sender changes a message's text. The same text again is answered with the message
    /// and changes nothing (no event); every stored change sends `message_edited`.
    pub async fn edit_message(
        &self,
        caller: &Caller,
        group_id: Id,
        seq: i64,
        text: String,
    ) -> Result<Message> {
        validate_text(&text)?;
        self.membership(caller, group_id).await?;
        let message = self
            .ports
            .messages
            .message_at(group_id, seq)
            .await?
            .ok_or_else(message_not_found)?;
        if message.sender_id != caller.user.id {
            return Err(Error::Forbidden(
                "only its sender edits a message".to_string(),
            ));
        }
        let (message, changed) = self
            .ports
            .messages
            .edit_message(group_id, seq, &text, self.ports.clock.now())
            .await?;
        let message = self.with_links(message).await?;
        if changed {
            let event = Event::new(
                Some(group_id),
                message.edited_at.unwrap_or(message.sent_at),
                EventKind::MessageEdited {
                    message: message.clone(),
                },
            );
            self.fan_out(&self.member_ids(group_id).await?, &event, None)
                .await;
        }
        Ok(message)
    }

    /// Deletes a message, keeping its `seq` as a tombstone: its sender, the group's owner, or
    /// an admin (who need not be a member) may. Deleting a deleted message changes nothing.
    pub async fn delete_message(&self, caller: &Caller, group_id: Id, seq: i64) -> Result<()> {
        let (_, membership) = self.managed_group(caller, group_id).await?;
        let message = self
            .ports
            .messages
            .message_at(group_id, seq)
            .await?
            .ok_or_else(message_not_found)?;
        let allowed = message.sender_id == caller.user.id
            || caller.user.role == Role::Admin
            || membership.is_some_and(|m| m.member.role == GroupRole::Owner);
        if !allowed {
            return Err(Error::Forbidden(
                "only its sender, the group's owner or an admin deletes a message".to_string(),
            ));
        }
        if self.ports.messages.delete_message(group_id, seq).await? {
            self.drop_attachments(&message).await;
            let event = Event::new(
                Some(group_id),
                self.ports.clock.now(),
                EventKind::MessageDeleted {
                    seq,
                    message_id: message.id,
                    by: caller.user.id,
                },
            );
            self.fan_out(&self.member_ids(group_id).await?, &event, None)
                .await;
            tracing::info!(%group_id, seq, by = %caller.user.id, "message deleted");
        }
        Ok(())
    }

    /// A member adds (`on`) or takes back a reaction; both are idempotent, and each change
    /// sends `reaction_changed` with the message's reactions as they are now.
    pub async fn react(
        &self,
        caller: &Caller,
        group_id: Id,
        seq: i64,
        emoji: &str,
        on: bool,
    ) -> Result<Message> {
        validate_emoji(emoji)?;
        self.membership(caller, group_id).await?;
        let (message, changed) = self
            .ports
            .messages
            .set_reaction(group_id, seq, emoji, caller.user.id, on)
            .await?;
        let message = self.with_links(message).await?;
        if changed {
            let event = Event::new(
                Some(group_id),
                self.ports.clock.now(),
                EventKind::ReactionChanged {
                    seq,
                    message_id: message.id,
                    reactions: message.reactions.clone(),
                },
            );
            self.fan_out(&self.member_ids(group_id).await?, &event, None)
                .await;
        }
        Ok(message)
    }
}
