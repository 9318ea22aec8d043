use async_trait::async_trait;

use super::attrs::{Item, get_id, get_s, get_time, id, item, s, time, transact_put};
use super::{AwsAdapters, sdk_error};
use crate::domain::user::{Role, User, UserRecord, username_key};
use crate::domain::{Error, Id, Result};
use crate::ports::UserStore;

fn user_item(pk: String, record: &UserRecord) -> Item {
    let user = &record.user;
    item([
        ("pk", Some(s(pk))),
        ("id", Some(id(user.id))),
        ("username", Some(s(&user.username))),
        ("display_name", Some(s(&user.display_name))),
        ("role", Some(s(user.role.as_str()))),
        ("created_at", Some(time(user.created_at))),
        ("password_hash", Some(s(&record.password_hash))),
    ])
}

fn user_from(item: &Item) -> Result<UserRecord> {
    Ok(UserRecord {
        user: User {
            id: get_id(item, "id")?,
            username: get_s(item, "username")?,
            display_name: get_s(item, "display_name")?,
            role: Role::parse(&get_s(item, "role")?).map_err(Error::internal)?,
            created_at: get_time(item, "created_at")?,
        },
        password_hash: get_s(item, "password_hash")?,
    })
}

impl AwsAdapters {
    async fn user_by_key(&self, pk: String) -> Result<Option<UserRecord>> {
        let output = self
            .meter
            .dynamodb(
                self.db
                    .get_item()
                    .table_name(&self.settings.users_table)
                    .key("pk", s(pk))
                    .send(),
            )
            .await
            .map_err(sdk_error("GetItem users"))?;
        output.item().map(user_from).transpose()
    }
}

#[async_trait]
impl UserStore for AwsAdapters {
    async fn insert_user(&self, record: &UserRecord) -> Result<()> {
        let table = &self.settings.users_table;
        let put = |pk: String| {
            transact_put(
                table,
                user_item(pk, record),
                Some("attribute_not_exists(pk)"),
            )
        };
        let name = put(format!("NAME#{}", username_key(&record.user.username)))?;
        let user = put(format!("USER#{}", record.user.id))?;
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
                if service.is_transaction_canceled_exception() {
                    Err(Error::Conflict("username is taken".to_string()))
                } else {
                    Err(sdk_error("TransactWriteItems users")(service))
                }
            }
        }
    }

    async fn user_by_id(&self, user_id: Id) -> Result<Option<UserRecord>> {
        self.user_by_key(format!("USER#{user_id}")).await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        self.user_by_key(format!("NAME#{}", username_key(username)))
            .await
    }
}
