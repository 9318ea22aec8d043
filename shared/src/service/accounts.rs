use std::sync::OnceLock;
use utoipa::ToSchema;

use serde::{Deserialize, Serialize};

use crate::domain::page::PageRequest;
use crate::domain::policy::{Action, allows};
use crate::domain::session::{Session, SessionRecord, Token, device_or_default};
use crate::domain::user::{
    Role, User, UserRecord, display_name_or_default, hash_password, username_key,
    validate_password, validate_username, verify_password,
};
use crate::domain::{Error, Id, Result, Timestamp, id_time, new_id};

use super::{Caller, Services};

/// How old an inbox must be before the sweep may take it for an orphan: far longer than
/// the moment between a queue's creation and its session item's.
pub const ORPHAN_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

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
        let password_hash = self.hash(move || hash_password(&password)).await??;
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

    /// Password work on the bounded pool. A refusal (the pool is full) waits
    /// `refused_login_delay` before its 429, as a refusal by the failed-log-in limits does.
    async fn hash<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let outcome = self.hashing.run(work).await;
        if let Err(Error::RateLimited { .. }) = &outcome {
            tokio::time::sleep(self.config.refused_login_delay).await;
        }
        outcome
    }

    /// The window failed log-ins are counted in now, by its end, and the counters a log-in
    /// of `username` from `client` is limited by.
    fn failed_login_counters(&self, username: &str, client: &str) -> (Timestamp, Vec<String>) {
        let window_ms = i64::try_from(self.config.failed_login_window.as_millis())
            .unwrap_or(i64::MAX)
            .max(1);
        let now = self.ports.clock.now().as_millis();
        let window_end = Timestamp::from_millis(
            (now / window_ms)
                .saturating_add(1)
                .saturating_mul(window_ms),
        );
        let keys = vec![
            // Usernames are at most 32 characters: a longer one is no user, and is cut so
            // that it cannot make a key of any size.
            format!(
                "login:user:{}",
                username_key(username).chars().take(64).collect::<String>()
            ),
            format!("login:address:{client}"),
        ];
        (window_end, keys)
    }

    /// 429 while the username or the client address has used up its failed log-ins in this
    /// window (a limit of 0 is no limit).
    async fn check_failed_logins(&self, window_end: Timestamp, keys: &[String]) -> Result<()> {
        let limits = [
            self.config.failed_logins_per_user,
            self.config.failed_logins_per_address,
        ];
        let counts = self.ports.failures.failures(keys, window_end).await?;
        let exhausted = counts
            .iter()
            .zip(limits)
            .any(|(count, limit)| limit > 0 && *count >= limit);
        if exhausted {
            tokio::time::sleep(self.config.refused_login_delay).await;
            let left_ms = window_end.millis_since(self.ports.clock.now()).max(0);
            return Err(Error::RateLimited {
                message: "too many failed log-ins: try again later".to_string(),
                retry_after_secs: (left_ms as u64).div_ceil(1000),
            });
        }
        Ok(())
    }

    /// Logs in: a new session with its own inbox, and the token that names it. `client` is
    /// the caller's address, for the failed-log-in limits and the log.
    pub async fn login(&self, input: LoginInput, client: &str) -> Result<LoginOutput> {
        let device = device_or_default(input.device.as_deref())?;
        let (window_end, counters) = self.failed_login_counters(&input.username, client);
        self.check_failed_logins(window_end, &counters).await?;
        let record = self.ports.users.user_by_username(&input.username).await?;
        let stored_hash = record.as_ref().map(|r| r.password_hash.clone());
        let password = input.password;
        let password_ok = self
            .hash(move || {
                let hash = match stored_hash {
                    Some(hash) => hash,
                    None => dummy_hash()?,
                };
                Ok::<_, Error>(verify_password(&password, &hash))
            })
            .await??;
        let user = match record {
            Some(record) if password_ok => record.user,
            record => {
                // Never the password; the username only as the user id it names, if any.
                let user_id = record.map(|r| r.user.id.to_string());
                tracing::warn!(
                    user_id = user_id.as_deref().unwrap_or("unknown"),
                    client,
                    "log-in failed"
                );
                self.ports
                    .failures
                    .count_failure(&counters, window_end)
                    .await?;
                return Err(bad_credentials());
            }
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
        // The new session stands either way: a failure here leaves one session too many,
        // which the next log-in ends.
        if let Err(error) = self.end_sessions_beyond_the_cap(user.id, session.id).await {
            tracing::warn!(%error, user_id = %user.id, "ending the oldest session failed");
        }
        Ok(LoginOutput {
            token: token.encode(),
            session,
            user,
        })
    }

    /// One user holds at most `max_sessions_per_user` live sessions: the oldest beyond it
    /// end (never the one just started).
    async fn end_sessions_beyond_the_cap(&self, user_id: Id, newest: Id) -> Result<()> {
        let now = self.ports.clock.now();
        let mut live = self
            .ports
            .sessions
            .live_sessions_of_user(user_id, now)
            .await?;
        let cap = self.config.max_sessions_per_user.max(1);
        if live.len() <= cap {
            return Ok(());
        }
        live.retain(|s| s.id != newest);
        live.sort_by_key(|s| (s.created_at, s.id));
        let excess = live.len() + 1 - cap;
        for session in live.into_iter().take(excess) {
            self.end_session(session.id).await?;
            tracing::info!(session_id = %session.id, %user_id, "oldest session ended: too many sessions");
        }
        Ok(())
    }

    /// Ends a session: its token is refused from now on, its live connection is closed and
    /// its inbox is gone.
    async fn end_session(&self, session_id: Id) -> Result<()> {
        self.token_cache.forget(session_id);
        // The connection is found through the session: close it before the session goes. The
        // inbox goes before the session too: a failure between the two leaves a session the
        // next sweep ends, never a queue that nothing names.
        self.end_live(session_id).await?;
        self.ports.inbox.delete_inbox(session_id).await?;
        self.ports.sessions.delete_session(session_id).await?;
        tracing::info!(session_id = %session_id, "session ended");
        Ok(())
    }

    /// Ends the caller's session.
    pub async fn logout(&self, caller: &Caller) -> Result<()> {
        self.end_session(caller.session.id).await
    }

    /// Ends every live session of the caller, the current one included.
    pub async fn logout_everywhere(&self, caller: &Caller) -> Result<()> {
        let now = self.ports.clock.now();
        let sessions = self
            .ports
            .sessions
            .live_sessions_of_user(caller.user.id, now)
            .await?;
        for session in &sessions {
            self.end_session(session.id).await?;
        }
        // The caller's own, even if it expired just now.
        if !sessions.iter().any(|s| s.id == caller.session.id) {
            self.end_session(caller.session.id).await?;
        }
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

    /// One page of the sweep of expired sessions, from `after` (None: the start): each
    /// session ends as a logout would, at most `MAX_CALLS_IN_FLIGHT` at a time. Returns how
    /// many ended and where the next page starts (None: the sweep is done).
    pub async fn sweep_expired_sessions(
        &self,
        after: Option<String>,
    ) -> Result<(usize, Option<String>)> {
        let now = self.ports.clock.now();
        let page = self
            .ports
            .sessions
            .expired_sessions(now, &PageRequest { after, limit: 500 })
            .await?;
        let endings: Vec<_> = page.items.iter().map(|id| self.end_session(*id)).collect();
        let ended = crate::ports::bounded(endings).await;
        let swept = ended.iter().filter(|outcome| outcome.is_ok()).count();
        if let Some(Err(error)) = ended.into_iter().find(Result::is_err) {
            // The rest of the sweep goes on; the next run tries these again.
            tracing::warn!(%error, "ending an expired session failed");
        }
        Ok((swept, page.next))
    }

    /// Deletes inboxes whose session item is gone without them (DynamoDB's TTL took it, or a
    /// crash came between the two deletions): one page of inboxes, going on from `after`.
    /// Inboxes younger than [`ORPHAN_GRACE`] (told by the session id's own time) are left
    /// alone, so one made just before its session item is never taken for an orphan.
    /// Returns how many it deleted and where the next page starts.
    pub async fn sweep_orphan_inboxes(
        &self,
        after: Option<String>,
    ) -> Result<(usize, Option<String>)> {
        let now = self.ports.clock.now();
        let page = self
            .ports
            .inbox
            .inboxes(&PageRequest { after, limit: 500 })
            .await?;
        let old_enough: Vec<Id> = page
            .items
            .into_iter()
            .filter(|id| {
                id_time(*id)
                    .is_some_and(|made| made.plus_millis(ORPHAN_GRACE.as_millis() as i64) < now)
            })
            .collect();
        let orphans = self.ports.sessions.missing_sessions(&old_enough).await?;
        let deletions: Vec<_> = orphans
            .iter()
            .map(|id| self.ports.inbox.delete_inbox(*id))
            .collect();
        let deleted = crate::ports::bounded(deletions).await;
        let swept = deleted.iter().filter(|outcome| outcome.is_ok()).count();
        if let Some(Err(error)) = deleted.into_iter().find(Result::is_err) {
            tracing::warn!(%error, "deleting an orphaned inbox failed");
        }
        if swept > 0 {
            tracing::info!(swept, "orphaned inboxes deleted");
        }
        Ok((swept, page.next))
    }

    /// The caller blocks a user: that user can no longer put the caller into a group or a
    /// direct chat, nor message the caller in their direct chat. Idempotent.
    pub async fn block_user(&self, caller: &Caller, user_id: Id) -> Result<()> {
        if user_id == caller.user.id {
            return Err(Error::Invalid("you cannot block yourself".to_string()));
        }
        self.user(user_id).await?;
        self.ports.blocks.block(caller.user.id, user_id).await?;
        tracing::info!(blocker = %caller.user.id, blocked = %user_id, "user blocked");
        Ok(())
    }

    /// Idempotent: unblocking someone not blocked changes nothing.
    pub async fn unblock_user(&self, caller: &Caller, user_id: Id) -> Result<()> {
        self.ports.blocks.unblock(caller.user.id, user_id).await
    }

    /// The users the caller blocked, by username.
    pub async fn blocked_users(&self, caller: &Caller) -> Result<Vec<User>> {
        let mut users = Vec::new();
        for id in self.ports.blocks.blocked_by(caller.user.id).await? {
            if let Some(user) = self.ports.users.user_by_id(id).await? {
                users.push(user);
            }
        }
        users.sort_by(|a, b| a.username.cmp(&b.username));
        Ok(users)
    }
}
