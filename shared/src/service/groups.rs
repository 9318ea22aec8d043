use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::event::{Event, EventKind};
use crate::domain::group::{
    Group, GroupDetail, GroupKind, GroupRole, GroupSummary, MAX_GROUP_MEMBERS, Member,
    MemberPresence, MemberRecord, creation_fingerprint, direct_key, group_full,
    validate_group_name,
};
use crate::domain::money::{Idempotency, validate_idempotency_key};
use crate::domain::page::{Page, PageQuery, parse_time_id_cursor};
use crate::domain::policy::{Action, allows};
use crate::domain::user::Role;
use crate::domain::{Error, Id, Result, new_id};

use super::{Caller, Services};

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct CreateGroupInput {
    pub kind: GroupKind,
    pub name: Option<String>,
    pub member_ids: Vec<Uuid>,
    /// 1 to 128 characters. A retry with the same key and body answers 200 with the group the
    /// first attempt made (never a second group); the same key with another body is 409.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct AddMemberInput {
    pub user_id: Uuid,
    pub role: Option<GroupRole>,
}

pub(super) fn group_not_found() -> Error {
    Error::NotFound("group not found".to_string())
}

impl Services {
    /// The group and the caller's membership; a group the caller is not in does not exist
    /// as far as the caller can tell.
    pub(super) async fn membership(
        &self,
        caller: &Caller,
        group_id: Id,
    ) -> Result<(Group, MemberRecord)> {
        let member = self
            .ports
            .groups
            .member(group_id, caller.user.id)
            .await?
            .ok_or_else(group_not_found)?;
        let group = self
            .ports
            .groups
            .group_by_id(group_id)
            .await?
            .ok_or_else(group_not_found)?;
        Ok((group, member))
    }

    /// Like [`Self::membership`], but an admin sees every group (to moderate it).
    pub(super) async fn managed_group(
        &self,
        caller: &Caller,
        group_id: Id,
    ) -> Result<(Group, Option<MemberRecord>)> {
        if caller.user.role == Role::Admin {
            let group = self
                .ports
                .groups
                .group_by_id(group_id)
                .await?
                .ok_or_else(group_not_found)?;
            let member = self.ports.groups.member(group_id, caller.user.id).await?;
            return Ok((group, member));
        }
        let (group, member) = self.membership(caller, group_id).await?;
        Ok((group, Some(member)))
    }

    pub(super) async fn member_ids(&self, group_id: Id) -> Result<Vec<Id>> {
        Ok(self
            .ports
            .groups
            .members(group_id)
            .await?
            .into_iter()
            .map(|m| m.member.user_id)
            .collect())
    }

    async fn require_user(&self, user_id: Id) -> Result<()> {
        match self.ports.users.user_by_id(user_id).await? {
            Some(_) => Ok(()),
            None => Err(Error::NotFound(format!("user {user_id} not found"))),
        }
    }

    /// Creates a group or a direct chat. For a direct chat that exists already, returns it
    /// with `created == false`.
    pub async fn create_group(
        &self,
        caller: &Caller,
        input: CreateGroupInput,
    ) -> Result<(GroupDetail, bool)> {
        let creator = caller.user.id;
        let mut others: Vec<Id> = Vec::new();
        for id in input.member_ids {
            if id != creator && !others.contains(&id) {
                others.push(id);
            }
        }
        let name = input.name.as_deref().map(validate_group_name).transpose()?;
        if let Some(key) = &input.idempotency_key {
            validate_idempotency_key(key)?;
        }
        match input.kind {
            GroupKind::Direct if others.len() != 1 => {
                return Err(Error::Invalid(
                    "a direct chat has exactly two members: you and one other user".to_string(),
                ));
            }
            GroupKind::Direct if name.is_some() => {
                return Err(Error::Invalid("a direct chat has no name".to_string()));
            }
            GroupKind::Group if others.is_empty() => {
                return Err(Error::Invalid(
                    "a group needs at least one member besides you".to_string(),
                ));
            }
            _ if others.len() + 1 > MAX_GROUP_MEMBERS => {
                return Err(Error::Invalid(format!(
                    "a group has at most {MAX_GROUP_MEMBERS} members"
                )));
            }
            _ => {}
        }
        if let Some(missing) = self.ports.users.missing_users(&others).await?.first() {
            return Err(Error::NotFound(format!("user {missing} not found")));
        }
        self.refuse_if_blocked(caller, &others).await?;

        let key = (input.kind == GroupKind::Direct).then(|| direct_key(creator, others[0]));
        if let Some(key) = &key
            && let Some(existing) = self.ports.groups.direct_group(key).await?
        {
            // Opening a chat one hid shows it again.
            self.ports
                .groups
                .set_hidden(existing.id, creator, None)
                .await?;
            return Ok((self.detail(existing).await?, false));
        }

        let fresh_id = new_id();
        let group_id = match input.idempotency_key {
            Some(key) => {
                let idempotency = Idempotency {
                    scope: format!("group:{creator}"),
                    key,
                    fingerprint: creation_fingerprint(input.kind, name.as_deref(), &others),
                };
                self.ports
                    .groups
                    .claim_creation_key(&idempotency, fresh_id)
                    .await?
            }
            None => fresh_id,
        };
        let now = self.ports.clock.now();
        let group = Group {
            id: group_id,
            kind: input.kind,
            name,
            created_by: creator,
            created_at: now,
            last_seq: 0,
        };
        let mut members = vec![Member {
            user_id: creator,
            role: GroupRole::Owner,
            joined_at: now,
        }];
        members.extend(others.iter().map(|id| Member {
            user_id: *id,
            role: GroupRole::Member,
            joined_at: now,
        }));
        match self
            .ports
            .groups
            .insert_group(&group, &members, key.as_deref())
            .await
        {
            Ok(()) => {}
            // Two devices creating the same direct chat at once: the loser returns the winner's.
            Err(Error::Conflict(_)) if key.is_some() => {
                let existing = self
                    .ports
                    .groups
                    .direct_group(key.as_deref().unwrap_or_default())
                    .await?
                    .ok_or_else(|| Error::internal("direct chat conflict without a chat"))?;
                return Ok((self.detail(existing).await?, false));
            }
            Err(other) => return Err(other),
        }
        let created = group_id == fresh_id;
        // A retry answers with the group as it is now (members may have changed since), and
        // sends its event again under the same id: clients drop what they have seen.
        let (group, members) = if created {
            (group, members)
        } else {
            let stored = self
                .ports
                .groups
                .group_by_id(group_id)
                .await?
                .ok_or_else(|| Error::internal("a created group is missing"))?;
            let members = self.ports.groups.members(group_id).await?;
            (stored, members.into_iter().map(|m| m.member).collect())
        };
        // One event for the whole group, not one per member: a 500-member group is one
        // fan-out of 500 users' sessions, not 499 of them.
        let everyone: Vec<Id> = members.iter().map(|m| m.user_id).collect();
        let event = Event {
            id: group.id,
            ..Event::new(
                Some(group.id),
                group.created_at,
                EventKind::GroupCreated {
                    group: group.clone(),
                    member_ids: everyone.clone(),
                    by: creator,
                },
            )
        };
        self.fan_out(&everyone, &event, None).await;
        tracing::info!(group_id = %group.id, kind = group.kind.as_str(), members = members.len(), created, "group created");
        Ok((self.with_presence(group, members).await?, created))
    }

    /// 403 when one of `users` blocked the caller: a blocked user cannot put the blocker into
    /// a group or a chat. The answer does not say who, nor that it is a block.
    pub(crate) async fn refuse_if_blocked(&self, caller: &Caller, users: &[Id]) -> Result<()> {
        if self
            .ports
            .blocks
            .blockers_among(users, caller.user.id)
            .await?
            .is_empty()
        {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "you cannot add this user, or one of these users".to_string(),
            ))
        }
    }

    /// The caller hides a chat from its list until a newer message arrives.
    pub async fn hide_group(&self, caller: &Caller, group_id: Id) -> Result<()> {
        let (group, _) = self.membership(caller, group_id).await?;
        self.ports
            .groups
            .set_hidden(group_id, caller.user.id, Some(group.last_seq))
            .await
    }

    /// The caller shows a hidden chat again.
    pub async fn unhide_group(&self, caller: &Caller, group_id: Id) -> Result<()> {
        self.membership(caller, group_id).await?;
        self.ports
            .groups
            .set_hidden(group_id, caller.user.id, None)
            .await
    }

    async fn detail(&self, group: Group) -> Result<GroupDetail> {
        let members = self
            .ports
            .groups
            .members(group.id)
            .await?
            .into_iter()
            .map(|m| m.member)
            .collect();
        self.with_presence(group, members).await
    }

    async fn with_presence(&self, group: Group, members: Vec<Member>) -> Result<GroupDetail> {
        let ids: Vec<Id> = members.iter().map(|m| m.user_id).collect();
        let online = self.online_users(&ids).await?;
        let members = members
            .into_iter()
            .map(|member| MemberPresence {
                online: online.contains(&member.user_id),
                member,
            })
            .collect();
        Ok(GroupDetail { group, members })
    }

    pub async fn group_detail(&self, caller: &Caller, group_id: Id) -> Result<GroupDetail> {
        let (group, _) = self.managed_group(caller, group_id).await?;
        self.detail(group).await
    }

    /// The caller's groups, newest first, with read marks and unread counts.
    /// A page of the caller's groups, newest first. Unread counts come from the group's
    /// `last_seq` and the caller's read mark (a send moves the sender's mark to its message),
    /// never from counting messages: the whole list costs one read of the memberships and
    /// their groups.
    pub async fn list_groups(
        &self,
        caller: &Caller,
        query: &PageQuery,
    ) -> Result<Page<GroupSummary>> {
        let page = query.request()?;
        let after = page
            .after
            .as_deref()
            .map(parse_time_id_cursor)
            .transpose()?;
        let mut summaries: Vec<GroupSummary> = self
            .ports
            .groups
            .groups_of_user(caller.user.id)
            .await?
            .into_iter()
            .filter(|mine| !mine.membership.hides(mine.group.last_seq))
            .map(|mine| GroupSummary {
                unread: u64::try_from(mine.group.last_seq - mine.read_seq).unwrap_or(0),
                my_role: mine.membership.member.role,
                read_seq: mine.read_seq,
                group: mine.group,
            })
            .filter(|summary| {
                after.is_none_or(|(time, id)| {
                    (summary.group.created_at.as_millis(), summary.group.id) < (time, id)
                })
            })
            .collect();
        summaries.sort_by(|a, b| {
            b.group
                .created_at
                .cmp(&a.group.created_at)
                .then(b.group.id.cmp(&a.group.id))
        });
        summaries.truncate(page.limit + 1);
        Ok(Page::from_one_extra(summaries, page.limit, |s| {
            format!("{}:{}", s.group.created_at.as_millis(), s.group.id)
        })
        .for_client())
    }

    pub async fn rename_group(&self, caller: &Caller, group_id: Id, name: &str) -> Result<Group> {
        let (group, member) = self.managed_group(caller, group_id).await?;
        if !allows(
            Action::RenameGroup,
            caller.user.role,
            member.map(|m| m.member.role),
        ) {
            return Err(Error::Forbidden(
                "only the group's owner or an admin may rename it".to_string(),
            ));
        }
        if group.kind == GroupKind::Direct {
            return Err(Error::Conflict("a direct chat has no name".to_string()));
        }
        let name = validate_group_name(name)?;
        let group = self.ports.groups.rename_group(group_id, &name).await?;
        let event = Event::new(
            Some(group_id),
            self.ports.clock.now(),
            EventKind::GroupUpdated {
                group: group.clone(),
            },
        );
        self.fan_out(&self.member_ids(group_id).await?, &event, None)
            .await;
        Ok(group)
    }

    pub async fn add_member(
        &self,
        caller: &Caller,
        group_id: Id,
        input: AddMemberInput,
    ) -> Result<Member> {
        let (group, member) = self.managed_group(caller, group_id).await?;
        if !allows(
            Action::AddMember,
            caller.user.role,
            member.map(|m| m.member.role),
        ) {
            return Err(Error::Forbidden(
                "only the group's owner or an admin may add members".to_string(),
            ));
        }
        if group.kind == GroupKind::Direct {
            return Err(Error::Conflict(
                "a direct chat always has exactly two members".to_string(),
            ));
        }
        self.require_user(input.user_id).await?;
        self.refuse_if_blocked(caller, &[input.user_id]).await?;
        let recipients = self.member_ids(group_id).await?;
        // Refused early here; the store checks again in the same step as the insert.
        if recipients.len() >= MAX_GROUP_MEMBERS {
            return Err(group_full());
        }
        let now = self.ports.clock.now();
        let added = Member {
            user_id: input.user_id,
            role: input.role.unwrap_or(GroupRole::Member),
            joined_at: now,
        };
        self.ports.groups.insert_member(group_id, &added).await?;
        let event = Event::new(
            Some(group_id),
            now,
            EventKind::MemberAdded {
                user_id: added.user_id,
                by: caller.user.id,
            },
        );
        let mut everyone = recipients;
        everyone.push(added.user_id);
        self.fan_out(&everyone, &event, None).await;
        Ok(added)
    }

    /// Removes a member (owner or admin), or leaves (the member itself). The removed member
    /// gets its own `member_removed` and nothing more from the group. A group whose last
    /// owner leaves passes ownership to its longest-standing member.
    pub async fn remove_member(&self, caller: &Caller, group_id: Id, user_id: Id) -> Result<()> {
        let (group, member) = self.managed_group(caller, group_id).await?;
        let leaving = user_id == caller.user.id;
        if !leaving
            && !allows(
                Action::RemoveOtherMember,
                caller.user.role,
                member.map(|m| m.member.role),
            )
        {
            return Err(Error::Forbidden(
                "only the group's owner or an admin may remove others".to_string(),
            ));
        }
        if group.kind == GroupKind::Direct {
            return Err(Error::Conflict(
                "a direct chat always has exactly two members".to_string(),
            ));
        }
        if !self.ports.groups.delete_member(group_id, user_id).await? {
            return Err(Error::NotFound("no such member in this group".to_string()));
        }
        let remaining = self.ports.groups.members(group_id).await?;
        if !remaining.is_empty() && remaining.iter().all(|m| m.member.role != GroupRole::Owner) {
            let heir = remaining
                .iter()
                .min_by_key(|m| m.member.joined_at)
                .map(|m| m.member.user_id);
            if let Some(heir) = heir {
                self.ports
                    .groups
                    .set_member_role(group_id, heir, GroupRole::Owner)
                    .await?;
            }
        }
        let event = Event::new(
            Some(group_id),
            self.ports.clock.now(),
            EventKind::MemberRemoved {
                user_id,
                by: caller.user.id,
            },
        );
        let mut recipients: Vec<Id> = remaining.iter().map(|m| m.member.user_id).collect();
        recipients.push(user_id);
        self.fan_out(&recipients, &event, None).await;
        Ok(())
    }
}
