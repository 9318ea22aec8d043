use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::group::Group;
use super::message::{Message, Reaction};
use super::money::Charge;
use super::timer::TimerView;
use super::{Id, Timestamp};

/// Everything that changes a group reaches its members' inboxes as an event.
/// Clients drop an event whose `id` they have already seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub id: Uuid,
    /// The group the event belongs to; null for a charge made outside any group.
    pub group_id: Option<Uuid>,
    pub at: Timestamp,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The event types; open for more (timer, charge) as the product grows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    Message {
        message: Message,
    },
    /// A new group or direct chat, with everyone in it (creator first).
    GroupCreated {
        group: Group,
        member_ids: Vec<Uuid>,
        by: Uuid,
    },
    MemberAdded {
        user_id: Uuid,
        by: Uuid,
    },
    MemberRemoved {
        user_id: Uuid,
        by: Uuid,
    },
    GroupUpdated {
        group: Group,
    },
    /// The sender changed a message's text: the message as it is now.
    MessageEdited {
        message: Message,
    },
    /// A message was deleted: history keeps its `seq` as a tombstone.
    MessageDeleted {
        seq: i64,
        message_id: Uuid,
        by: Uuid,
    },
    /// Someone reacted or took a reaction back: the message's reactions as they are now.
    ReactionChanged {
        seq: i64,
        message_id: Uuid,
        reactions: Vec<Reaction>,
    },
    Timer {
        timer: TimerView,
    },
    Charge {
        charge: Charge,
    },
}

impl Event {
    pub fn new(group_id: Option<Id>, at: Timestamp, kind: EventKind) -> Event {
        Event {
            id: super::new_id(),
            group_id,
            at,
            kind,
        }
    }

    /// A message's event takes the message's id, so a re-sent fan-out is a duplicate that
    /// clients drop, not a second message.
    pub fn message(message: Message) -> Event {
        Event {
            id: message.id,
            group_id: Some(message.group_id),
            at: message.sent_at,
            kind: EventKind::Message { message },
        }
    }
}
