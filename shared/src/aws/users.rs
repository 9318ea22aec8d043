use async_trait::async_trait;
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;

use super::attrs::{Item, get_id, get_s, get_time, id, item, s, time, transact_put};
use super::messages::{Cancellation, cancellation, contended};
use super::{AwsAdapters, sdk_error};
use crate::domain::user::{Role, User, UserRecord, username_key};
use crate::domain::{Error, Id, Result};
use crate::ports::UserStore;

/// The attributes of a user that every function may read. The template lets only the login
/// function read others (`password_hash`): the rest must ask for these by projection.
pub const PUBLIC_USER_ATTRIBUTES: [&str; 6] =
    ["pk", "id", "username", "display_name", "role", "created_at"];

/// `NAME#` items (looked up at log-in) carry the hash; `USER#` items do not.
fn user_item(pk: String, record: &UserRecord, with_hash: bool) -> Item {
    let user = &record.user;
    item([
        ("pk", Some(s(pk))),
        ("id", Some(id(user.id))),
        ("username", Some(s(&user.username))),
        ("display_name", Some(s(&user.display_name))),
        ("role", Some(s(user.role.as_str()))),
        ("created_at", Some(time(user.created_at))),
        ("password_hash", with_hash.then(|| s(&record.password_hash))),
    ])
}

fn user_from(item: &Item) -> Result<User> {
    Ok(User {
        id: get_id(item, "id")?,
        username: get_s(item, "username")?,
        display_name: get_s(item, "display_name")?,
        role: Role::parse(&get_s(item, "role")?).map_err(Error::internal)?,
        created_at: get_time(item, "created_at")?,
    })
}

impl AwsAdapters {
    /// A consistent read: a log-in right after sign-up, or the first request with a new
    /// token, must find the user.
    pub(super) fn user_get(&self, pk: String, public_only: bool) -> GetItemFluentBuilder {
        let get = self
            .db
            .get_item()
            .table_name(&self.settings.users_table)
            .key("pk", s(pk))
            .consistent_read(true);
        if !public_only {
            return get;
        }
        // Through names: `role` is one of DynamoDB's reserved words.
        let projection = PUBLIC_USER_ATTRIBUTES
            .map(|name| format!("#{name}"))
            .join(", ");
        PUBLIC_USER_ATTRIBUTES
            .iter()
            .fold(get.projection_expression(projection), |get, name| {
                get.expression_attribute_names(format!("#{name}"), *name)
            })
    }

    async fn user_item(&self, pk: String, public_only: bool) -> Result<Option<Item>> {
        let output = self
            .meter
            .dynamodb(self.user_get(pk, public_only).send())
            .await
            .map_err(sdk_error("GetItem users"))?;
        Ok(output.item().cloned())
    }
}

#[async_trait]
impl UserStore for AwsAdapters {
    async fn insert_user(&self, record: &UserRecord) -> Result<()> {
        let table = &self.settings.users_table;
        let put = |pk: String, with_hash: bool| {
            transact_put(
                table,
                user_item(pk, record, with_hash),
                Some("attribute_not_exists(pk)"),
            )
        };
        let name = put(
            format!("NAME#{}", username_key(&record.user.username)),
            true,
        )?;
        let user = put(format!("USER#{}", record.user.id), false)?;
        let outcome = self
            .meter
            .dynamodb(
                self.db
                    .transact_write_items()
                    .transact_items(name)
                    .transact_items(user)
                    .send(),
            )
            .await;
        match outcome {
            Ok(_) => Ok(()),
            Err(error) => {
                let service = error.into_service_error();
                Err(match cancellation(&service) {
                    Some(Cancellation::Conditions(_)) => {
                        Error::Conflict("username is taken".to_string())
                    }
                    // A collision or throttling is not a taken name: nothing was written.
                    Some(Cancellation::Retry) => contended("creating a user"),
                    None => sdk_error("TransactWriteItems users")(service),
                })
            }
        }
    }

    async fn user_by_id(&self, user_id: Id) -> Result<Option<User>> {
        self.user_item(format!("USER#{user_id}"), true)
            .await?
            .as_ref()
            .map(user_from)
            .transpose()
    }

    async fn missing_users(&self, ids: &[Id]) -> Result<Vec<Id>> {
        let table = &self.settings.users_table;
        let mut found = std::collections::HashSet::new();
        // A batch may not name a key twice.
        let mut unique = ids.to_vec();
        unique.sort();
        unique.dedup();
        let keys = unique
            .iter()
            .map(|id| item([("pk", Some(s(format!("USER#{id}"))))]))
            .collect();
        for user in self
            .batch_get(table, keys, Some(&["pk"]), "BatchGetItem users")
            .await?
        {
            found.insert(get_s(&user, "pk")?);
        }
        Ok(ids
            .iter()
            .copied()
            .filter(|id| !found.contains(&format!("USER#{id}")))
            .collect())
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        let Some(item) = self
            .user_item(format!("NAME#{}", username_key(username)), false)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(UserRecord {
            user: user_from(&item)?,
            password_hash: get_s(&item, "password_hash")?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::offline_adapters;

    #[test]
    fn user_and_session_reads_are_consistent_and_only_log_in_reads_the_hash() {
        let adapters = offline_adapters();
        let by_id = adapters.user_get("USER#x".to_string(), true);
        assert_eq!(by_id.get_consistent_read(), &Some(true));
        let projected = by_id.get_expression_attribute_names().clone().unwrap();
        let mut names: Vec<&str> = projected.values().map(String::as_str).collect();
        names.sort();
        assert_eq!(
            names,
            ["created_at", "display_name", "id", "pk", "role", "username"]
        );
        assert!(by_id.get_projection_expression().is_some());
        let by_name = adapters.user_get("NAME#x".to_string(), false);
        assert_eq!(by_name.get_consistent_read(), &Some(true));
        assert_eq!(by_name.get_projection_expression(), &None);
        let session = adapters.session_get(crate::domain::new_id());
        assert_eq!(session.get_consistent_read(), &Some(true));
    }
}
