use crate::domain::event::Event;
use crate::domain::group::GroupKind;
use crate::domain::message::{
    Appended, HistoryPage, HistoryQuery, NewMessage, validate_client_msg_id, validate_text,
};
use crate::domain::{Error, Id, Result, new_id};

use super::groups::group_not_found;
use super::{Caller, Services};

impl Services {
    /// Stores the message first (sequence number, idempotency on `client_msg_id`), then fans
    /// it out to every live session of every member except the sending one. A retry of a send
    /// returns the original and fans it out again under the same event id, so a send whose
    /// first fan-out was cut short still reaches everyone; clients drop the duplicates.
    pub async fn send_message(
        &self,
        caller: &Caller,
        group_id: Id,
        text: String,
        client_msg_id: String,
    ) -> Result<Appended> {
        validate_text(&text)?;
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
                },
                group.last_seq,
            )
            .await?;
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
        self.ports.messages.history(group_id, query).await
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
