use std::sync::OnceLock;
use utoipa::ToSchema;

use serde::{Deserialize, Serialize};

use crate::domain::policy::{Action, allows};
use crate::domain::session::{Session, SessionRecord, Token, device_or_default};
use crate::domain::user::{
    Role, User, UserRecord, display_name_or_default, hash_password, validate_password,
    validate_username, verify_password,
};
use crate::domain::{Error, Id, Result, new_id};

use super::{Caller, Services};

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct SignUpInput {
    /// 3 to 32 of `[A-Za-z0-9_.-]`, unique ignoring case.
    #[schema(min_length = 3, max_length = 32, pattern = "^[A-Za-z0-9_.-]+$")]
    pub username: String,
    /// 8 to 128 characters.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    pub display_name: Option<String>,
    pub role: Option<Role>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
    pub device: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LoginOutput {
    pub token: String,
    pub session: Session,
    pub user: User,
}

/// Verified against when the username is unknown, so that both failures take as long.
fn dummy_hash() -> Result<String> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password("not a real password")?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}

fn bad_credentials() -> Error {
    Error::Unauthorized("wrong username or password".to_string())
}

impl Services {
    /// Creates a user. A role other than `member` needs `creator` to be allowed to grant it.
    pub async fn sign_up(&self, creator: Option<&Caller>, input: SignUpInput) -> Result<User> {
        let role = input.role.unwrap_or(Role::Member);
        if role != Role::Member
            && !creator.is_some_and(|c| allows(Action::CreatePrivilegedUser, c.user.role, None))
        {
            return Err(Error::Forbidden(format!(
                "only an admin may create a user with role {}",
                role.as_str()
            )));
        }
        self.create_user(
            &input.username,
            &input.password,
            input.display_name.as_deref(),
            role,
        )
        .await
    }

    /// Creates a user with any role, without asking who wants it: for operators (the
    /// `create-user` command that makes the first admin), never for a route.
    pub async fn create_user(
        &self,
        username: &str,
        password: &str,
        display_name: Option<&str>,
        role: Role,
    ) -> Result<User> {
        validate_username(username)?;
        validate_password(password)?;
        let display_name = display_name_or_default(display_name, username)?;
        if self.ports.users.user_by_username(username).await?.is_some() {
            return Err(Error::Conflict("username is taken".to_string()));
        }
        let password = password.to_string();
        let password_hash = self.hashing.run(move || hash_password(&password)).await??;
        let user = User {
            id: new_id(),
            username: username.to_string(),
            display_name,
            role,
            created_at: self.ports.clock.now(),
        };
        self.ports
            .users
            .insert_user(&UserRecord {
                user: user.clone(),
                password_hash,
            })
            .await?;
        tracing::info!(user_id = %user.id, role = role.as_str(), "user created");
        Ok(user)
    }

    /// Logs in: a new session with its own inbox, and the token that names it.
    pub async fn login(&self, input: LoginInput) -> Result<LoginOutput> {
        let device = device_or_default(input.device.as_deref())?;
        let record = self.ports.users.user_by_username(&input.username).await?;
        let stored_hash = record.as_ref().map(|r| r.password_hash.clone());
        let password = input.password;
        let password_ok = self
            .hashing
            .run(move || {
                let hash = match stored_hash {
                    Some(hash) => hash,
                    None => dummy_hash()?,
                };
                Ok::<_, Error>(verify_password(&password, &hash))
            })
            .await??;
        let user = match record {
            Some(record) if password_ok => record.user,
            _ => return Err(bad_credentials()),
        };

        let now = self.ports.clock.now();
        let ttl_ms = i64::try_from(self.config.session_ttl.as_millis()).unwrap_or(i64::MAX);
        let session = Session {
            id: new_id(),
            user_id: user.id,
            device,
            created_at: now,
            expires_at: now.plus_millis(ttl_ms),
        };
        let token = Token::generate(session.id)?;
        // The inbox first: a session that exists always has somewhere to receive.
        self.ports.inbox.create_inbox(session.id).await?;
        let stored = self
            .ports
            .sessions
            .insert_session(&SessionRecord {
                session: session.clone(),
                secret_hash: token.secret_hash(),
            })
            .await;
        if let Err(error) = stored {
            let _ = self.ports.inbox.delete_inbox(session.id).await;
            return Err(error);
        }
        tracing::info!(user_id = %user.id, session_id = %session.id, "session started");
        Ok(LoginOutput {
            token: token.encode(),
            session,
            user,
        })
    }

    /// Ends the caller's session: its token is refused from now on and its inbox is gone.
    pub async fn logout(&self, caller: &Caller) -> Result<()> {
        let session_id = caller.session.id;
        self.token_cache.forget(session_id);
        // The connection is found through the session: close it before the session goes.
        self.end_live(session_id).await?;
        self.ports.sessions.delete_session(session_id).await?;
        self.ports.inbox.delete_inbox(session_id).await?;
        tracing::info!(session_id = %session_id, "session ended");
        Ok(())
    }

    pub async fn user(&self, id: Id) -> Result<User> {
        self.ports
            .users
            .user_by_id(id)
            .await?
            .ok_or_else(|| Error::NotFound("user not found".to_string()))
    }

    /// Exact match ignoring case: zero or one user.
    pub async fn find_users(&self, username: &str) -> Result<Vec<User>> {
        Ok(self
            .ports
            .users
            .user_by_username(username)
            .await?
            .map(|r| r.user)
            .into_iter()
            .collect())
    }

    /// Deletes the sessions that expired and their inboxes; returns how many.
    pub async fn sweep_expired_sessions(&self) -> Result<usize> {
        let now = self.ports.clock.now();
        let expired = self.ports.sessions.expired_sessions(now, 500).await?;
        for session in &expired {
            self.token_cache.forget(session.id);
            self.end_live(session.id).await?;
            self.ports.inbox.delete_inbox(session.id).await?;
            self.ports.sessions.delete_session(session.id).await?;
        }
        Ok(expired.len())
    }
}
