//! A small, fixed world for tests and for replaying the API Gateway events in `events/`:
//! the ids and the token below are the ones those events name. Never seed a real deployment
//! with it: the token is public.

use crate::domain::event::Event;
use crate::domain::group::{Group, GroupKind, GroupRole, Member};
use crate::domain::message::NewMessage;
use crate::domain::money::{Authorization, CreditRequest, EntryKind, Idempotency, LedgerEntry};
use crate::domain::session::{Session, SessionRecord, Token};
use crate::domain::user::{Role, User, UserRecord, hash_password};
use crate::domain::{Error, Id, Result};
use crate::ports::Ports;

pub const PASSWORD: &str = "correct-horse-battery";
pub const ALICE_ID: Id = uuid::uuid!("01900000-0000-7000-8000-00000000a11c");
pub const BOB_ID: Id = uuid::uuid!("01900000-0000-7000-8000-000000000b0b");
pub const CAROL_ID: Id = uuid::uuid!("01900000-0000-7000-8000-0000000ca201");
pub const ERIN_ID: Id = uuid::uuid!("01900000-0000-7000-8000-000000000e21");
pub const ROOT_ID: Id = uuid::uuid!("01900000-0000-7000-8000-00000000ad31");
pub const GROUP_ID: Id = uuid::uuid!("01900000-0000-7000-8000-00000000c0de");
/// alice lets carol charge her up to 10,000 EUR cents.
pub const ALICE_CAROL_AUTHORIZATION_ID: Id = uuid::uuid!("01900000-0000-7000-8000-0000000a0701");
pub const ALICE_SESSION_ID: Id = uuid::uuid!("01900000-0000-7000-8000-00000005e551");
pub const ROOT_SESSION_ID: Id = uuid::uuid!("01900000-0000-7000-8000-00000005e552");
pub const CAROL_SESSION_ID: Id = uuid::uuid!("01900000-0000-7000-8000-00000005e553");
/// alice's token on her phone.
pub const ALICE_TOKEN: &str =
    "0190000000007000800000000005e551.YWxpY2UtcGhvbmUtc2VjcmV0LTMyLWJ5dGVzLWxvbmc";
/// The admin's token.
pub const ROOT_TOKEN: &str =
    "0190000000007000800000000005e552.cm9vdC1jb25zb2xlLXNlY3JldC0zMi1ieXRlcy1sb24";
/// carol's (a provider) token.
pub const CAROL_TOKEN: &str =
    "0190000000007000800000000005e553.Y2Fyb2wtbGFwdG9wLXNlY3JldC0zMi1ieXRlcy1sb24";

/// Seeds: alice, bob and erin (members), carol (provider), root (admin); the group "team"
/// of alice (owner), bob and carol with one message from bob; sessions with inboxes for
/// alice, carol and root; 1000 EUR cents in alice's wallet, and her authorization for carol
/// to charge up to 10,000.
pub async fn seed(ports: &Ports) -> Result<()> {
    let now = ports.clock.now();
    let password_hash = tokio::task::spawn_blocking(|| hash_password(PASSWORD))
        .await
        .map_err(Error::internal)??;
    let people = [
        (ALICE_ID, "alice", Role::Member),
        (BOB_ID, "bob", Role::Member),
        (CAROL_ID, "carol", Role::Provider),
        (ERIN_ID, "erin", Role::Member),
        (ROOT_ID, "root", Role::Admin),
    ];
    for (id, name, role) in people {
        let user = User {
            id,
            username: name.to_string(),
            display_name: name.to_string(),
            role,
            created_at: now,
        };
        ports
            .users
            .insert_user(&UserRecord {
                user,
                password_hash: password_hash.clone(),
            })
            .await?;
    }
    let sessions = [
        (ALICE_SESSION_ID, ALICE_ID, ALICE_TOKEN, "phone"),
        (ROOT_SESSION_ID, ROOT_ID, ROOT_TOKEN, "console"),
        (CAROL_SESSION_ID, CAROL_ID, CAROL_TOKEN, "laptop"),
    ];
    for (id, user_id, token, device) in sessions {
        let token = Token::parse(token).ok_or_else(|| Error::internal("fixture token"))?;
        ports.inbox.create_inbox(id).await?;
        ports
            .sessions
            .insert_session(&SessionRecord {
                session: Session {
                    id,
                    user_id,
                    device: device.to_string(),
                    created_at: now,
                    expires_at: now.plus_millis(30 * 24 * 3_600_000),
                },
                secret_hash: token.secret_hash(),
            })
            .await?;
    }
    let group = Group {
        id: GROUP_ID,
        kind: GroupKind::Group,
        name: Some("team".to_string()),
        created_by: ALICE_ID,
        created_at: now,
        last_seq: 0,
    };
    let member = |user_id, role| Member {
        user_id,
        role,
        joined_at: now,
    };
    let members = [
        member(ALICE_ID, GroupRole::Owner),
        member(BOB_ID, GroupRole::Member),
        member(CAROL_ID, GroupRole::Member),
    ];
    ports.groups.insert_group(&group, &members, None).await?;
    let appended = ports
        .messages
        .append_message(
            &NewMessage {
                id: crate::domain::new_id(),
                group_id: GROUP_ID,
                sender_id: BOB_ID,
                text: "hello team".to_string(),
                client_msg_id: "fixture-1".to_string(),
                sent_at: now,
                reply_to: None,
                attachments: Vec::new(),
            },
            0,
        )
        .await?;
    let event =
        serde_json::to_string(&Event::message(appended.message)).map_err(Error::internal)?;
    ports.inbox.deliver(ALICE_SESSION_ID, &event).await?;
    ports
        .ledger
        .credit(&CreditRequest {
            entry: LedgerEntry {
                id: crate::domain::new_id(),
                user_id: ALICE_ID,
                amount: 1000,
                currency: "EUR".to_string(),
                kind: EntryKind::Credit,
                charge_id: None,
                created_at: now,
            },
            idempotency: Idempotency {
                scope: format!("credit:{ROOT_ID}"),
                key: "fixture-top-up".to_string(),
                fingerprint: format!("{ALICE_ID}|1000|EUR"),
            },
        })
        .await?;
    ports
        .ledger
        .grant_authorization(&Authorization {
            id: ALICE_CAROL_AUTHORIZATION_ID,
            payer_id: ALICE_ID,
            provider_id: CAROL_ID,
            currency: "EUR".to_string(),
            max_amount: 10_000,
            remaining: 10_000,
            expires_at: None,
            created_at: now,
        })
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_tokens_parse_and_name_their_sessions() {
        for (token, session) in [
            (ALICE_TOKEN, ALICE_SESSION_ID),
            (ROOT_TOKEN, ROOT_SESSION_ID),
            (CAROL_TOKEN, CAROL_SESSION_ID),
        ] {
            assert_eq!(Token::parse(token).map(|t| t.session_id), Some(session));
        }
    }
}
