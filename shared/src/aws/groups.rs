use async_trait::async_trait;
use aws_sdk_dynamodb::types::{
    Delete, PutRequest, ReturnValue, TransactWriteItem, Update, WriteRequest,
};

use super::attrs::{
    Item, get_id, get_n, get_opt_n, get_opt_s, get_s, get_time, id, item, n, s, time, transact_put,
};
use super::messages::{Cancellation, back_off, cancellation, contended, failed_conditions};
use super::{AwsAdapters, sdk_error, written};
use crate::domain::group::{
    Group, GroupKind, GroupRole, MAX_GROUP_MEMBERS, Member, MemberRecord, UserGroup, group_full,
};
use crate::domain::money::Idempotency;
use crate::domain::{Error, Id, Result};
use crate::ports::GroupStore;

/// The most member items written in the group's creating transaction (DynamoDB allows 100
/// items in one; two go to the group and its direct-chat marker).
const MEMBERS_IN_TRANSACTION: usize = 98;

pub(super) const GROUP_SK: &str = "GROUP";

pub(super) fn member_sk(user_id: Id) -> String {
    format!("MEMBER#{user_id}")
}

/// Read marks live in the reader's own partition (`READS#<user>`, sorted by group), not in
/// the group's: a message read by 500 members writes 500 partitions once each, not one
/// partition 500 times. A missing mark is 0.
pub(super) fn read_mark_key(group_id: Id, user_id: Id) -> Item {
    item([
        ("pk", Some(s(read_marks_pk(user_id)))),
        ("sk", Some(id(group_id))),
    ])
}

fn read_marks_pk(user_id: Id) -> String {
    format!("READS#{user_id}")
}

fn group_item(group: &Group) -> Item {
    item([
        ("pk", Some(id(group.id))),
        ("sk", Some(s(GROUP_SK))),
        ("kind", Some(s(group.kind.as_str()))),
        ("name", group.name.as_ref().map(s)),
        ("created_by", Some(id(group.created_by))),
        ("created_at", Some(time(group.created_at))),
        ("last_seq", Some(n(group.last_seq))),
    ])
}

/// The group item's `member_count`: kept with every member added or removed, so that the
/// member cap is a condition of the same transaction as the insert.
const MEMBER_COUNT: &str = "member_count";
/// Set on a group whose members did not all fit its creating transaction, until the rest
/// are written.
const PENDING_MEMBERS: &str = "pending_members";

/// Tries of a member's add or removal, which contend on the group item's count.
const MEMBER_WRITE_ATTEMPTS: usize = 10;

fn group_from(item: &Item) -> Result<Group> {
    Ok(Group {
        id: get_id(item, "pk")?,
        kind: GroupKind::parse(&get_s(item, "kind")?).map_err(Error::internal)?,
        name: get_opt_s(item, "name"),
        created_by: get_id(item, "created_by")?,
        created_at: get_time(item, "created_at")?,
        last_seq: get_n(item, "last_seq")?,
    })
}

fn member_item(group_id: Id, member: &Member) -> Item {
    item([
        ("pk", Some(id(group_id))),
        ("sk", Some(s(member_sk(member.user_id)))),
        ("member_user_id", Some(id(member.user_id))),
        ("role", Some(s(member.role.as_str()))),
        ("joined_at", Some(time(member.joined_at))),
    ])
}

fn member_from(item: &Item) -> Result<MemberRecord> {
    Ok(MemberRecord {
        group_id: get_id(item, "pk")?,
        member: Member {
            user_id: get_id(item, "member_user_id")?,
            role: GroupRole::parse(&get_s(item, "role")?).map_err(Error::internal)?,
            joined_at: get_time(item, "joined_at")?,
        },
        hidden_seq: get_opt_n(item, "hidden_seq")?,
    })
}

fn sorted(mut members: Vec<MemberRecord>) -> Vec<MemberRecord> {
    members.sort_by_key(|m| (m.member.joined_at, m.member.user_id));
    members
}

impl AwsAdapters {
    fn table(&self) -> &str {
        &self.settings.groups_table
    }

    /// Items of a group's partition whose sort key starts with `sk_prefix` (all of them:
    /// the group, its members, its timer, when it is `None`).
    async fn group_partition(
        &self,
        group_id: Id,
        sk_prefix: Option<&str>,
        consistent: bool,
    ) -> Result<Vec<Item>> {
        let query = self
            .db
            .query()
            .table_name(self.table())
            .consistent_read(consistent)
            .expression_attribute_values(":pk", id(group_id));
        let query = match sk_prefix {
            Some(prefix) => query
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":prefix", s(prefix)),
            None => query.key_condition_expression("pk = :pk"),
        };
        self.query_all(query, "Query groups", None).await
    }

    pub(super) async fn group_item(&self, pk: String, sk: &str) -> Result<Option<Item>> {
        let output = self
            .meter
            .dynamodb(
                self.db
                    .get_item()
                    .table_name(self.table())
                    .consistent_read(true)
                    .key("pk", s(pk))
                    .key("sk", s(sk))
                    .send(),
            )
            .await
            .map_err(sdk_error("GetItem groups"))?;
        Ok(output.item().cloned())
    }

    async fn batch_put_members(&self, group_id: Id, members: &[Member]) -> Result<()> {
        for chunk in members.chunks(25) {
            // DynamoDB refuses a batch that names an item twice; say so before asking.
            let mut users: Vec<Id> = chunk.iter().map(|m| m.user_id).collect();
            users.sort();
            if users.windows(2).any(|pair| pair[0] == pair[1]) {
                return Err(Error::Invalid("a member is named twice".to_string()));
            }
            let mut requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|m| {
                    PutRequest::builder()
                        .set_item(Some(member_item(group_id, m)))
                        .build()
                        .map(|put| WriteRequest::builder().put_request(put).build())
                        .map_err(Error::internal)
                })
                .collect::<Result<_>>()?;
            for attempt in 0..8 {
                let output = self
                    .meter
                    .dynamodb(
                        self.db
                            .batch_write_item()
                            .request_items(self.table(), requests.clone())
                            .send(),
                    )
                    .await
                    .map_err(sdk_error("BatchWriteItem groups"))?;
                requests = output
                    .unprocessed_items()
                    .and_then(|u| u.get(self.table()))
                    .cloned()
                    .unwrap_or_default();
                if requests.is_empty() {
                    break;
                }
                back_off(attempt).await;
            }
            if !requests.is_empty() {
                // Throttled throughout: the creation's retry (the same key) finishes it.
                return Err(contended("writing a group's members"));
            }
        }
        Ok(())
    }
}

impl AwsAdapters {
    /// A group found stored when inserting it: if its first insert was cut short after the
    /// transaction (the members beyond it not all written), writes them all (puts of the same
    /// items change nothing) and marks it finished; otherwise leaves it as it is.
    async fn finish_group(&self, group_id: Id, members: &[Member]) -> Result<()> {
        let stored = self
            .group_item(group_id.to_string(), GROUP_SK)
            .await?
            .ok_or_else(|| Error::internal("a group both stored and missing"))?;
        if get_opt_n(&stored, PENDING_MEMBERS)?.is_none() {
            return Ok(());
        }
        self.batch_put_members(group_id, members).await?;
        self.mark_group_finished(group_id, members.len()).await
    }

    async fn mark_group_finished(&self, group_id: Id, member_count: usize) -> Result<()> {
        self.meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(self.table())
                    .key("pk", id(group_id))
                    .key("sk", s(GROUP_SK))
                    .update_expression("SET #count = :count REMOVE #pending")
                    .expression_attribute_names("#count", MEMBER_COUNT)
                    .expression_attribute_names("#pending", PENDING_MEMBERS)
                    .expression_attribute_values(":count", n(member_count as i64))
                    .send(),
            )
            .await
            .map_err(sdk_error("UpdateItem groups finished"))?;
        Ok(())
    }

    /// Gives a group stored before member counts were kept its count, once (conditional on it
    /// still having none). False when the group has a count already: the add failed on it.
    async fn count_members_of_legacy_group(&self, group_id: Id) -> Result<bool> {
        if self.group_by_id(group_id).await?.is_none() {
            return Err(Error::NotFound("group not found".to_string()));
        }
        let members = self.members(group_id).await?;
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(self.table())
                    .key("pk", id(group_id))
                    .key("sk", s(GROUP_SK))
                    .update_expression("SET #count = :count")
                    .condition_expression("attribute_exists(pk) AND attribute_not_exists(#count)")
                    .expression_attribute_names("#count", MEMBER_COUNT)
                    .expression_attribute_values(":count", n(members.len() as i64))
                    .send(),
            )
            .await;
        Ok(written(outcome, "UpdateItem groups member count")?.is_some())
    }
}

#[async_trait]
impl GroupStore for AwsAdapters {
    async fn insert_group(
        &self,
        group: &Group,
        members: &[Member],
        direct_key: Option<&str>,
    ) -> Result<()> {
        let put = |item: Item| transact_put(self.table(), item, Some("attribute_not_exists(pk)"));
        let mut writes = Vec::new();
        if let Some(key) = direct_key {
            writes.push(put(item([
                ("pk", Some(s(format!("DIRECT#{key}")))),
                ("sk", Some(s("DIRECT"))),
                ("group_id", Some(id(group.id))),
            ]))?);
        }
        let group_index = writes.len();
        let mut group_with_count = group_item(group);
        group_with_count.insert(MEMBER_COUNT.to_string(), n(members.len() as i64));
        let (first, rest) = members.split_at(members.len().min(MEMBERS_IN_TRANSACTION));
        if !rest.is_empty() {
            // Cleared once the rest are written: a retry finds the group unfinished.
            group_with_count.insert(PENDING_MEMBERS.to_string(), n(1));
        }
        writes.push(put(group_with_count)?);
        for member in first {
            writes.push(put(member_item(group.id, member))?);
        }
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .transact_write_items()
                    .set_transact_items(Some(writes))
                    .send(),
            )
            .await;
        if let Err(error) = outcome {
            let service = error.into_service_error();
            return match cancellation(&service) {
                // The group is stored already: a retry, which finishes it if need be.
                Some(Cancellation::Conditions(failed))
                    if failed.get(group_index) == Some(&true) =>
                {
                    self.finish_group(group.id, members).await
                }
                // The direct-chat marker is the first item: its condition says the chat exists.
                Some(Cancellation::Conditions(failed))
                    if direct_key.is_some() && failed.first() == Some(&true) =>
                {
                    Err(Error::Conflict(
                        "this direct chat exists already".to_string(),
                    ))
                }
                // Nothing was written: the client's retry is safe.
                Some(Cancellation::Retry) => Err(contended("creating a group")),
                _ => Err(sdk_error("TransactWriteItems groups")(service)),
            };
        }
        if rest.is_empty() {
            return Ok(());
        }
        self.batch_put_members(group.id, rest).await?;
        self.mark_group_finished(group.id, members.len()).await
    }

    async fn claim_creation_key(&self, idempotency: &Idempotency, group_id: Id) -> Result<Id> {
        let key = format!("IDEM#{}#{}", idempotency.scope, idempotency.key);
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .put_item()
                    .table_name(&self.settings.idempotency_table)
                    .set_item(Some(item([
                        ("key", Some(s(&key))),
                        ("fingerprint", Some(s(&idempotency.fingerprint))),
                        ("group_id", Some(id(group_id))),
                    ])))
                    .condition_expression("attribute_not_exists(#key)")
                    .expression_attribute_names("#key", "key")
                    .send(),
            )
            .await;
        if written(outcome, "PutItem idempotency group")?.is_some() {
            return Ok(group_id);
        }
        let record = self
            .idempotency_record(&key, self.clock.now())
            .await?
            .ok_or_else(|| Error::internal("a creation key both taken and missing"))?;
        if get_s(&record, "fingerprint")? != idempotency.fingerprint {
            return Err(Error::Conflict(
                "this idempotency_key was used with different parameters".to_string(),
            ));
        }
        get_id(&record, "group_id")
    }

    async fn group_by_id(&self, group_id: Id) -> Result<Option<Group>> {
        self.group_item(group_id.to_string(), GROUP_SK)
            .await?
            .as_ref()
            .map(group_from)
            .transpose()
    }

    async fn direct_group(&self, direct_key: &str) -> Result<Option<Group>> {
        match self
            .group_item(format!("DIRECT#{direct_key}"), "DIRECT")
            .await?
        {
            Some(marker) => self.group_by_id(get_id(&marker, "group_id")?).await,
            None => Ok(None),
        }
    }

    async fn rename_group(&self, group_id: Id, name: &str) -> Result<Group> {
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(self.table())
                    .key("pk", id(group_id))
                    .key("sk", s(GROUP_SK))
                    .update_expression("SET #name = :name")
                    .condition_expression("attribute_exists(pk)")
                    .expression_attribute_names("#name", "name")
                    .expression_attribute_values(":name", s(name))
                    .return_values(ReturnValue::AllNew)
                    .send(),
            )
            .await;
        let output = written(outcome, "UpdateItem groups")?
            .ok_or_else(|| Error::NotFound("group not found".to_string()))?;
        group_from(
            output
                .attributes()
                .ok_or_else(|| Error::internal("no attributes"))?,
        )
    }

    async fn members(&self, group_id: Id) -> Result<Vec<MemberRecord>> {
        let items = self
            .group_partition(group_id, Some("MEMBER#"), true)
            .await?;
        Ok(sorted(
            items.iter().map(member_from).collect::<Result<_>>()?,
        ))
    }

    async fn group_with_members(&self, group_id: Id) -> Result<Option<(Group, Vec<MemberRecord>)>> {
        // Eventually consistent: half the capacity on the busiest read of the busiest
        // partition. The send's transaction checks membership itself.
        let items = self.group_partition(group_id, None, false).await?;
        let mut group = None;
        let mut members = Vec::new();
        for item in &items {
            match get_s(item, "sk")?.as_str() {
                GROUP_SK => group = Some(group_from(item)?),
                sk if sk.starts_with("MEMBER#") => members.push(member_from(item)?),
                _ => {}
            }
        }
        Ok(group.map(|g| (g, sorted(members))))
    }

    async fn member(&self, group_id: Id, user_id: Id) -> Result<Option<MemberRecord>> {
        self.group_item(group_id.to_string(), &member_sk(user_id))
            .await?
            .as_ref()
            .map(member_from)
            .transpose()
    }

    async fn insert_member(&self, group_id: Id, member: &Member) -> Result<()> {
        let count_one_more = Update::builder()
            .table_name(self.table())
            .key("pk", id(group_id))
            .key("sk", s(GROUP_SK))
            .update_expression("ADD #count :one")
            .condition_expression("#count < :max")
            .expression_attribute_names("#count", MEMBER_COUNT)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(MAX_GROUP_MEMBERS as i64))
            .build()
            .map_err(Error::internal)?;
        // A group stored before counts were kept gets its count once, then the add retries;
        // so does an add that collided with another transaction on the group.
        for attempt in 0..MEMBER_WRITE_ATTEMPTS {
            let outcome = self
                .meter
                .dynamodb(
                    self.db
                        .transact_write_items()
                        .transact_items(transact_put(
                            self.table(),
                            member_item(group_id, member),
                            Some("attribute_not_exists(pk)"),
                        )?)
                        .transact_items(
                            TransactWriteItem::builder()
                                .update(count_one_more.clone())
                                .build(),
                        )
                        .send(),
                )
                .await;
            let error = match outcome {
                Ok(_) => return Ok(()),
                Err(error) => error.into_service_error(),
            };
            let failed = failed_conditions(&error)
                .ok_or_else(|| sdk_error("TransactWriteItems groups member")(&error))?;
            if failed.first() == Some(&true) {
                return Err(Error::Conflict(
                    "already a member of this group".to_string(),
                ));
            }
            if failed.get(1) != Some(&true) {
                // A conflict with a concurrent transaction: try again.
                back_off(attempt).await;
                continue;
            }
            if !self.count_members_of_legacy_group(group_id).await? {
                return Err(group_full());
            }
        }
        Err(contended("adding a member"))
    }

    async fn delete_member(&self, group_id: Id, user_id: Id) -> Result<bool> {
        let delete = Delete::builder()
            .table_name(self.table())
            .key("pk", id(group_id))
            .key("sk", s(member_sk(user_id)))
            .condition_expression("attribute_exists(pk)")
            .build()
            .map_err(Error::internal)?;
        let count_one_less = Update::builder()
            .table_name(self.table())
            .key("pk", id(group_id))
            .key("sk", s(GROUP_SK))
            .update_expression("ADD #count :minus_one")
            .condition_expression("attribute_exists(#count)")
            .expression_attribute_names("#count", MEMBER_COUNT)
            .expression_attribute_values(":minus_one", n(-1))
            .build()
            .map_err(Error::internal)?;
        // A member added again starts with nothing read, as a new one does.
        let forget_read_mark = Delete::builder()
            .table_name(self.table())
            .set_key(Some(read_mark_key(group_id, user_id)))
            .build()
            .map_err(Error::internal)?;
        for attempt in 0..MEMBER_WRITE_ATTEMPTS {
            let outcome = self
                .meter
                .dynamodb(
                    self.db
                        .transact_write_items()
                        .transact_items(TransactWriteItem::builder().delete(delete.clone()).build())
                        .transact_items(
                            TransactWriteItem::builder()
                                .update(count_one_less.clone())
                                .build(),
                        )
                        .transact_items(
                            TransactWriteItem::builder()
                                .delete(forget_read_mark.clone())
                                .build(),
                        )
                        .send(),
                )
                .await;
            let error = match outcome {
                Ok(_) => return Ok(true),
                Err(error) => error.into_service_error(),
            };
            let failed = failed_conditions(&error)
                .ok_or_else(|| sdk_error("TransactWriteItems groups member")(&error))?;
            if failed.first() == Some(&true) {
                return Ok(false);
            }
            if failed.get(1) == Some(&true) {
                // A group stored before counts were kept: it gets one at its next add.
                self.meter
                    .dynamodb(
                        self.db
                            .delete_item()
                            .table_name(self.table())
                            .set_key(Some(forget_read_mark.key().clone()))
                            .send(),
                    )
                    .await
                    .map_err(sdk_error("DeleteItem groups read mark"))?;
                let output = self
                    .meter
                    .dynamodb(
                        self.db
                            .delete_item()
                            .table_name(self.table())
                            .key("pk", id(group_id))
                            .key("sk", s(member_sk(user_id)))
                            .return_values(ReturnValue::AllOld)
                            .send(),
                    )
                    .await
                    .map_err(sdk_error("DeleteItem groups member"))?;
                return Ok(output.attributes().is_some_and(|a| !a.is_empty()));
            }
            back_off(attempt).await;
        }
        Err(contended("removing a member"))
    }

    async fn set_member_role(&self, group_id: Id, user_id: Id, role: GroupRole) -> Result<()> {
        self.meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(self.table())
                    .key("pk", id(group_id))
                    .key("sk", s(member_sk(user_id)))
                    .update_expression("SET #role = :role")
                    .condition_expression("attribute_exists(pk)")
                    .expression_attribute_names("#role", "role")
                    .expression_attribute_values(":role", s(role.as_str()))
                    .send(),
            )
            .await
            .map_err(sdk_error("UpdateItem groups member role"))?;
        Ok(())
    }

    async fn groups_of_user(&self, user_id: Id) -> Result<Vec<UserGroup>> {
        let query = self
            .db
            .query()
            .table_name(self.table())
            .index_name("by_member")
            .key_condition_expression("member_user_id = :user")
            .expression_attribute_values(":user", id(user_id));
        let membership_items = self
            .query_all(query, "Query groups by_member", None)
            .await?;
        let keys = membership_items
            .iter()
            .map(|m| {
                Ok(item([
                    ("pk", Some(id(get_id(m, "pk")?))),
                    ("sk", Some(s(GROUP_SK))),
                ]))
            })
            .collect::<Result<_>>()?;
        let mut groups = std::collections::HashMap::new();
        for found in self
            .batch_get(self.table(), keys, None, "BatchGetItem groups")
            .await?
        {
            let group = group_from(&found)?;
            groups.insert(group.id, group);
        }
        let marks = self.read_marks(user_id).await?;
        membership_items
            .iter()
            .map(|found| {
                let membership = member_from(found)?;
                // Marks kept on the member item before they moved still count.
                let legacy_mark = get_opt_n(found, "read_seq")?.unwrap_or(0);
                let read_seq = marks
                    .get(&membership.group_id)
                    .copied()
                    .unwrap_or(0)
                    .max(legacy_mark);
                Ok(groups
                    .get(&membership.group_id)
                    .cloned()
                    .map(|group| UserGroup {
                        group,
                        membership,
                        read_seq,
                    }))
            })
            .filter_map(Result::transpose)
            .collect()
    }

    async fn set_hidden(&self, group_id: Id, user_id: Id, hidden_seq: Option<i64>) -> Result<()> {
        let update = self
            .db
            .update_item()
            .table_name(self.table())
            .key("pk", id(group_id))
            .key("sk", s(member_sk(user_id)))
            .condition_expression("attribute_exists(pk)");
        let update = match hidden_seq {
            Some(seq) => update
                .update_expression("SET hidden_seq = :seq")
                .expression_attribute_values(":seq", n(seq)),
            None => update.update_expression("REMOVE hidden_seq"),
        };
        written(
            self.meter.dynamodb(update.send()).await,
            "UpdateItem groups hidden",
        )?
        .map(|_| ())
        .ok_or_else(|| Error::NotFound("group not found".to_string()))
    }

    async fn advance_read_seq(&self, group_id: Id, user_id: Id, seq: i64) -> Result<i64> {
        // Membership is checked before the mark moves; it is one read of the group's
        // partition where a write used to be.
        if self.member(group_id, user_id).await?.is_none() {
            return Err(Error::NotFound("group not found".to_string()));
        }
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .update_item()
                    .table_name(self.table())
                    .set_key(Some(read_mark_key(group_id, user_id)))
                    .update_expression("SET read_seq = :seq")
                    .condition_expression("attribute_not_exists(read_seq) OR read_seq < :seq")
                    .expression_attribute_values(":seq", n(seq))
                    .send(),
            )
            .await;
        if written(outcome, "UpdateItem groups read mark")?.is_some() {
            return Ok(seq);
        }
        // The mark is at or past `seq` already.
        let stored = self
            .group_item(read_marks_pk(user_id), &group_id.to_string())
            .await?
            .map(|mark| get_n(&mark, "read_seq"))
            .transpose()?;
        Ok(stored.unwrap_or(seq).max(seq))
    }
}

impl AwsAdapters {
    /// The user's read marks, by group: one query of the user's own partition.
    async fn read_marks(&self, user_id: Id) -> Result<std::collections::HashMap<Id, i64>> {
        let query = self
            .db
            .query()
            .table_name(self.table())
            .consistent_read(true)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(read_marks_pk(user_id)));
        self.query_all(query, "Query groups read marks", None)
            .await?
            .iter()
            .map(|mark| Ok((get_id(mark, "sk")?, get_n(mark, "read_seq")?)))
            .collect()
    }
}
