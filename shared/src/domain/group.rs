use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Error, Id, Result, Timestamp};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Direct,
    Group,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Direct => "direct",
            GroupKind::Group => "group",
        }
    }

    pub fn parse(text: &str) -> Result<GroupKind> {
        match text {
            "direct" => Ok(GroupKind::Direct),
            "group" => Ok(GroupKind::Group),
            _ => Err(Error::Invalid("kind must be direct or group".to_string())),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupRole {
    Owner,
    Member,
}

impl GroupRole {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupRole::Owner => "owner",
            GroupRole::Member => "member",
        }
    }

    pub fn parse(text: &str) -> Result<GroupRole> {
        match text {
            "owner" => Ok(GroupRole::Owner),
            "member" => Ok(GroupRole::Member),
            _ => Err(Error::Invalid("role must be owner or member".to_string())),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Group {
    pub id: Uuid,
    pub kind: GroupKind,
    pub name: Option<String>,
    pub created_by: Uuid,
    pub created_at: Timestamp,
    /// The sequence number of the newest message, 0 before the first.
    pub last_seq: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Member {
    pub user_id: Uuid,
    pub role: GroupRole,
    pub joined_at: Timestamp,
}

/// A membership as stored. The member's read mark is kept apart (on DynamoDB under the
/// user's key, out of the group's busy partition): see [`UserGroup`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberRecord {
    pub group_id: Id,
    pub member: Member,
    /// The member hid the chat when its `last_seq` was this: it stays out of the member's
    /// list until a newer message arrives.
    pub hidden_seq: Option<i64>,
}

/// What a group creation's idempotency key stands for: its kind, name and members (in any
/// order), as a SHA-256 in hex (a 500-member list stays 64 characters).
pub fn creation_fingerprint(kind: GroupKind, name: Option<&str>, member_ids: &[Id]) -> String {
    use sha2::{Digest, Sha256};
    let mut sorted = member_ids.to_vec();
    sorted.sort();
    let mut hash = Sha256::new();
    hash.update(kind.as_str());
    hash.update([0]);
    match name {
        Some(name) => {
            hash.update([1]);
            hash.update((name.len() as u64).to_le_bytes());
            hash.update(name);
        }
        None => hash.update([0]),
    }
    for id in sorted {
        hash.update(id.as_bytes());
    }
    hash.finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// One of a user's groups: the group, the user's membership and read mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserGroup {
    pub group: Group,
    pub membership: MemberRecord,
    /// The newest `seq` the user has read (0: none).
    pub read_seq: i64,
}

impl MemberRecord {
    /// Whether the member's list leaves the group out, given its `last_seq` now.
    pub fn hides(&self, last_seq: i64) -> bool {
        self.hidden_seq.is_some_and(|hidden| last_seq <= hidden)
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GroupDetail {
    #[serde(flatten)]
    pub group: Group,
    pub members: Vec<MemberPresence>,
}

/// A member as a group's detail shows it: with whether it is online (has a live connection).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MemberPresence {
    #[serde(flatten)]
    pub member: Member,
    pub online: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GroupSummary {
    #[serde(flatten)]
    pub group: Group,
    pub my_role: GroupRole,
    pub read_seq: i64,
    /// `last_seq - read_seq`: the messages after the caller's read mark (sending moves the
    /// sender's mark to its message).
    pub unread: u64,
}

pub const MAX_GROUP_MEMBERS: usize = 500;

/// The refusal of a member beyond [`MAX_GROUP_MEMBERS`].
pub fn group_full() -> super::Error {
    super::Error::Conflict(format!("a group has at most {MAX_GROUP_MEMBERS} members"))
}

/// A group name, trimmed: 1 to 100 characters.
pub fn validate_group_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.chars().any(super::user::is_deceptive_char) {
        return Err(Error::Invalid(
            "name may not hold control, zero-width or bidirectional-override characters"
                .to_string(),
        ));
    }
    if !(1..=100).contains(&name.chars().count()) {
        return Err(Error::Invalid(
            "name must be 1 to 100 characters".to_string(),
        ));
    }
    Ok(name.to_string())
}

/// One pair of users has one direct chat: this key is unique per unordered pair.
pub fn direct_key(a: Id, b: Id) -> String {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    format!("{}:{}", low.simple(), high.simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_key_ignores_order() {
        let (a, b) = (crate::domain::new_id(), crate::domain::new_id());
        assert_eq!(direct_key(a, b), direct_key(b, a));
    }

    #[test]
    fn group_names_are_trimmed_and_bounded() {
        assert_eq!(validate_group_name("  team ").unwrap(), "team");
        assert!(validate_group_name("   ").is_err());
        assert!(validate_group_name(&"x".repeat(101)).is_err());
    }
}
