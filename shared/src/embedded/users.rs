//! The user store on SQLite.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, Row, params};

use crate::domain::user::{Role, User, UserRecord, username_key};
use crate::domain::{Id, Result};
use crate::ports::UserStore;

use super::{EmbeddedStore, conflict_on_unique, text_enum};

const USER_COLUMNS: &str = "id, username, display_name, role, created_at, password_hash";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        user: User {
            id: row.get(0)?,
            username: row.get(1)?,
            display_name: row.get(2)?,
            role: text_enum(row, 3, Role::parse)?,
            created_at: row.get(4)?,
        },
        password_hash: row.get(5)?,
    })
}

#[async_trait]
impl UserStore for EmbeddedStore {
    async fn insert_user(&self, record: &UserRecord) -> Result<()> {
        let record = record.clone();
        self.call(move |conn| {
            let user = &record.user;
            conn.execute(
                "INSERT INTO users (id, username, username_key, display_name, role, password_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    user.id,
                    user.username,
                    username_key(&user.username),
                    user.display_name,
                    user.role.as_str(),
                    record.password_hash,
                    user.created_at
                ],
            )
            .map_err(|e| conflict_on_unique(e, "username is taken"))?;
            Ok(())
        })
        .await
    }

    async fn user_by_id(&self, id: Id) -> Result<Option<User>> {
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
                .query_row([id], user_from_row)
                .optional()?
                .map(|record| record.user))
        })
        .await
    }

    async fn missing_users(&self, ids: &[Id]) -> Result<Vec<Id>> {
        let ids = ids.to_vec();
        self.call(move |conn| {
            let mut statement = conn.prepare_cached("SELECT 1 FROM users WHERE id = ?1")?;
            let mut missing = Vec::new();
            for id in ids {
                if !statement.exists([id])? {
                    missing.push(id);
                }
            }
            Ok(missing)
        })
        .await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        let key = username_key(username);
        self.call(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE username_key = ?1"
                ))?
                .query_row([key], user_from_row)
                .optional()?)
        })
        .await
    }
}
