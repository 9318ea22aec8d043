//! The conformance suite: what every adapter set must do, checked through the ports alone.
//! Each check is a public async function that panics on a violation; [`conformance_suite!`]
//! lists them all once and makes a test of each for an adapter set: the embedded adapters run
//! it in every test run, the AWS adapters against an emulator. Checks make their own users
//! and groups with fresh ids, so they can share one store and run concurrently. Compiled only
//! with the `conformance` feature, which the tests turn on.

/// One `#[tokio::test]` per conformance check, over the adapter set that `$setup` builds:
/// `async fn() -> (guard, Ports, visibility)`, where the guard keeps the store alive and
/// `visibility` is the inbox visibility the adapters were built with. Attributes after the
/// setup (`#[ignore = "..."]`, say) go on every test.
#[macro_export]
macro_rules! conformance_suite {
    ($setup:path $(, #[$attr:meta])* $(,)?) => {
        $crate::conformance_suite!(@checks $setup [$(#[$attr])*]
            users_are_unique_ignoring_case_and_found_by_id_and_name(),
            sessions_are_stored_listed_while_live_and_deleted(),
            groups_keep_members_roles_and_one_direct_chat_per_pair(),
            sequence_numbers_are_strictly_increasing_under_concurrent_senders(),
            a_repeated_client_msg_id_returns_the_original(),
            messages_are_edited_deleted_and_reacted_to_in_place(),
            an_attachment_is_recorded_and_claimed_by_one_send(),
            history_pages_in_ascending_seq_both_ways(),
            an_inbox_delivers_wakes_a_waiting_receive_and_forgets_what_is_acknowledged(),
            a_deleted_or_missing_inbox_is_not_found(),
            inboxes_are_listed_page_by_page_and_missing_sessions_found(),
            credits_are_idempotent_and_refuse_a_reused_key_with_other_parameters(),
            a_charge_source_is_charged_once(),
            a_charge_draws_the_payers_authorization_in_the_same_step(),
            timer_writes_only_succeed_over_the_version_they_read(),
            concurrent_charges_never_overdraw_and_the_ledger_adds_up(50),
            retried_charges_with_one_key_charge_once(20),
            a_ticket_is_taken_once_and_never_after_it_expires(),
            a_session_has_one_live_connection_and_forgets_only_its_own(),
            a_push_to_an_unknown_connection_says_it_is_gone(),
            a_later_poll_of_a_session_supersedes_the_earlier(),
            failures_are_counted_per_key_and_window(),
            the_member_cap_holds_under_concurrent_additions(),
            a_creation_key_binds_one_group_and_a_cut_short_creation_is_finished(),
            ledger_entries_and_charges_page_in_order_each_once(),
            blocks_are_kept_per_blocker_and_found_among_candidates(),
            a_member_hides_a_group_until_a_newer_message(),
        );
        #[tokio::test]
        $(#[$attr])*
        async fn an_unacknowledged_delivery_comes_back_after_the_visibility_period() {
            let (_guard, ports, visibility) = $setup().await;
            $crate::conformance::an_unacknowledged_delivery_comes_back_after_the_visibility_period(
                &ports, visibility,
            )
            .await;
        }
    };
    // One check at a time: the attributes repeat per test, which a flat repetition cannot do.
    (@checks $setup:path [$(#[$attr:meta])*]) => {};
    (@checks $setup:path [$(#[$attr:meta])*] $check:ident($($arg:expr)?), $($rest:tt)*) => {
        #[tokio::test]
        $(#[$attr])*
        async fn $check() {
            let (_guard, ports, _visibility) = $setup().await;
            $crate::conformance::$check(&ports $(, $arg)?).await;
        }
        $crate::conformance_suite!(@checks $setup [$(#[$attr])*] $($rest)*);
    };
}

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use crate::domain::group::{Group, GroupKind, GroupRole, Member, direct_key};
use crate::domain::live::{Ticket, TicketRecord};
use crate::domain::message::{HistoryQuery, NewMessage};
use crate::domain::page::{Page, PageRequest};
use crate::domain::session::{Session, SessionRecord};
use crate::domain::user::{Role, User, UserRecord};
use crate::domain::{Error, Id, Timestamp, new_id};
use crate::ports::{FrameKind, Ports};

/// A user with a unique name, stored.
pub async fn stored_user(ports: &Ports, prefix: &str) -> User {
    let id = new_id();
    let user = User {
        id,
        username: format!("{prefix}{}", &id.simple().to_string()[20..]),
        display_name: prefix.to_string(),
        role: Role::Member,
        created_at: ports.clock.now(),
    };
    ports
        .users
        .insert_user(&UserRecord {
            user: user.clone(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_string(),
        })
        .await
        .expect("insert user");
    user
}

/// A group of these users (the first is the owner), stored.
pub async fn stored_group(ports: &Ports, users: &[&User]) -> Group {
    let now = ports.clock.now();
    let group = Group {
        id: new_id(),
        kind: GroupKind::Group,
        name: Some("conformance".to_string()),
        created_by: users[0].id,
        created_at: now,
        last_seq: 0,
    };
    let members: Vec<Member> = users
        .iter()
        .enumerate()
        .map(|(i, u)| Member {
            user_id: u.id,
            role: if i == 0 {
                GroupRole::Owner
            } else {
                GroupRole::Member
            },
            joined_at: now.plus_millis(i as i64),
        })
        .collect();
    ports
        .groups
        .insert_group(&group, &members, None)
        .await
        .expect("insert group");
    group
}

fn new_message(
    group: &Group,
    sender: &User,
    client_msg_id: &str,
    text: &str,
    at: Timestamp,
) -> NewMessage {
    NewMessage {
        reply_to: None,
        attachments: Vec::new(),
        id: new_id(),
        group_id: group.id,
        sender_id: sender.id,
        text: text.to_string(),
        client_msg_id: client_msg_id.to_string(),
        sent_at: at,
    }
}

pub async fn users_are_unique_ignoring_case_and_found_by_id_and_name(ports: &Ports) {
    let user = stored_user(ports, "Conf").await;
    let by_id = ports
        .users
        .user_by_id(user.id)
        .await
        .unwrap()
        .expect("by id");
    assert_eq!(by_id, user);
    let upper = user.username.to_uppercase();
    let by_name = ports
        .users
        .user_by_username(&upper)
        .await
        .unwrap()
        .expect("by name");
    assert_eq!(by_name.user.id, user.id);
    assert!(by_name.password_hash.starts_with("$argon2id$"));
    let clash = UserRecord {
        user: User {
            id: new_id(),
            username: upper,
            ..user.clone()
        },
        password_hash: "x".to_string(),
    };
    assert!(matches!(
        ports.users.insert_user(&clash).await,
        Err(Error::Conflict(_))
    ));
    assert!(ports.users.user_by_id(new_id()).await.unwrap().is_none());
    let (nobody, nobody_else) = (new_id(), new_id());
    assert_eq!(
        ports
            .users
            .missing_users(&[user.id, nobody, user.id, nobody_else])
            .await
            .unwrap(),
        [nobody, nobody_else]
    );
    assert!(ports.users.missing_users(&[]).await.unwrap().is_empty());
    assert!(
        ports
            .users
            .user_by_username("no-such-user-xyz")
            .await
            .unwrap()
            .is_none()
    );
}

/// A live session of a new user, stored.
pub async fn stored_session(ports: &Ports) -> Session {
    let user = stored_user(ports, "live").await;
    let now = ports.clock.now();
    let session = Session {
        id: new_id(),
        user_id: user.id,
        device: "phone".to_string(),
        created_at: now,
        expires_at: now.plus_millis(3_600_000),
    };
    ports
        .sessions
        .insert_session(&SessionRecord {
            session: session.clone(),
            secret_hash: [7; 32],
        })
        .await
        .expect("insert session");
    session
}

pub async fn a_ticket_is_taken_once_and_never_after_it_expires(ports: &Ports) {
    let session = stored_session(ports).await;
    let now = ports.clock.now();
    let fresh = Ticket::generate().unwrap();
    let stale = Ticket::generate().unwrap();
    for (ticket, expires_at) in [
        (&fresh, now.plus_millis(30_000)),
        (&stale, now.plus_millis(-1)),
    ] {
        ports
            .tickets
            .insert_ticket(&TicketRecord {
                hash: ticket.hash(),
                session_id: session.id,
                expires_at,
            })
            .await
            .unwrap();
    }
    let fresh_hash = fresh.hash();
    let takes = (0..4).map(|_| ports.tickets.take_ticket(&fresh_hash, now));
    let taken: Vec<_> = join_all(takes)
        .await
        .into_iter()
        .map(|t| t.unwrap())
        .collect();
    assert_eq!(
        taken.iter().filter(|t| **t == Some(session.id)).count(),
        1,
        "one of four concurrent takes wins: {taken:?}"
    );
    assert_eq!(taken.iter().filter(|t| t.is_none()).count(), 3);
    assert_eq!(
        ports.tickets.take_ticket(&stale.hash(), now).await.unwrap(),
        None
    );
    let unknown = Ticket::generate().unwrap();
    assert_eq!(
        ports
            .tickets
            .take_ticket(&unknown.hash(), now)
            .await
            .unwrap(),
        None
    );
}

pub async fn a_session_has_one_live_connection_and_forgets_only_its_own(ports: &Ports) {
    let session = stored_session(ports).await;
    let other = stored_session(ports).await;
    let connections = &ports.connections;
    assert_eq!(
        connections.attach(session.id, "conn-a").await.unwrap(),
        None
    );
    assert_eq!(
        connections.attach(session.id, "conn-b").await.unwrap(),
        Some("conn-a".to_string()),
        "the replaced connection is returned, to be closed"
    );
    let found = connections
        .connections_of(&[session.id, other.id, new_id()])
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[&session.id], "conn-b");
    // A late detach of the replaced connection leaves the new one in place.
    connections.detach(session.id, "conn-a").await.unwrap();
    let found = connections.connections_of(&[session.id]).await.unwrap();
    assert_eq!(found.get(&session.id).map(String::as_str), Some("conn-b"));
    connections.detach(session.id, "conn-b").await.unwrap();
    assert!(
        connections
            .connections_of(&[session.id])
            .await
            .unwrap()
            .is_empty()
    );
    // Detaching what is not there is no error.
    connections.detach(other.id, "conn-x").await.unwrap();
}

pub async fn a_later_poll_of_a_session_supersedes_the_earlier(ports: &Ports) {
    let session = stored_session(ports).await;
    let other = stored_session(ports).await;
    for id in [session.id, other.id] {
        ports.inbox.create_inbox(id).await.unwrap();
    }
    let first = ports.inbox.begin_poll(session.id).await.unwrap();
    assert!(ports.inbox.is_latest_poll(session.id, first).await.unwrap());
    let second = ports.inbox.begin_poll(session.id).await.unwrap();
    assert!(second > first);
    assert!(!ports.inbox.is_latest_poll(session.id, first).await.unwrap());
    assert!(
        ports
            .inbox
            .is_latest_poll(session.id, second)
            .await
            .unwrap()
    );
    // Another session's polls are its own.
    let elsewhere = ports.inbox.begin_poll(other.id).await.unwrap();
    assert!(
        ports
            .inbox
            .is_latest_poll(other.id, elsewhere)
            .await
            .unwrap()
    );
    assert!(
        ports
            .inbox
            .is_latest_poll(session.id, second)
            .await
            .unwrap()
    );
}

pub async fn a_push_to_an_unknown_connection_says_it_is_gone(ports: &Ports) {
    assert!(
        !ports
            .push
            .push("no-such-connection", "{}", FrameKind::Event)
            .await
            .unwrap()
    );
    ports
        .push
        .close("no-such-connection", 4000, "replaced")
        .await
        .unwrap();
}

pub async fn sessions_are_stored_listed_while_live_and_deleted(ports: &Ports) {
    let user = stored_user(ports, "sess").await;
    let now = ports.clock.now();
    let live = Session {
        id: new_id(),
        user_id: user.id,
        device: "phone".to_string(),
        created_at: now,
        expires_at: now.plus_millis(3_600_000),
    };
    let expired = Session {
        id: new_id(),
        expires_at: now.plus_millis(-1000),
        device: "old".to_string(),
        ..live.clone()
    };
    for (session, byte) in [(&live, 1u8), (&expired, 2u8)] {
        ports
            .sessions
            .insert_session(&SessionRecord {
                session: session.clone(),
                secret_hash: [byte; 32],
            })
            .await
            .unwrap();
    }
    let stored = ports
        .sessions
        .session_by_id(live.id)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(stored.session, live);
    assert_eq!(stored.secret_hash, [1u8; 32]);
    let listed = ports
        .sessions
        .live_sessions_of_user(user.id, now)
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![live.id]
    );
    // Every page, each going on from the last (other checks' sessions share the store).
    let mut swept = Vec::new();
    let mut after = None;
    loop {
        let page = ports
            .sessions
            .expired_sessions(now, &PageRequest { after, limit: 2 })
            .await
            .unwrap();
        swept.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert!(swept.contains(&expired.id));
    assert!(!swept.contains(&live.id));
    assert_eq!(
        swept.len(),
        swept.iter().collect::<HashSet<_>>().len(),
        "each once"
    );
    ports.sessions.delete_session(live.id).await.unwrap();
    ports.sessions.delete_session(live.id).await.unwrap();
    assert!(
        ports
            .sessions
            .session_by_id(live.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        ports
            .sessions
            .live_sessions_of_user(user.id, now)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn groups_keep_members_roles_and_one_direct_chat_per_pair(ports: &Ports) {
    let (a, b, c) = (
        stored_user(ports, "ga").await,
        stored_user(ports, "gb").await,
        stored_user(ports, "gc").await,
    );
    let group = stored_group(ports, &[&a, &b]).await;
    assert_eq!(
        ports.groups.group_by_id(group.id).await.unwrap(),
        Some(group.clone())
    );
    let members = ports.groups.members(group.id).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].member.role, GroupRole::Owner);
    let joined = Member {
        user_id: c.id,
        role: GroupRole::Member,
        joined_at: ports.clock.now(),
    };
    ports.groups.insert_member(group.id, &joined).await.unwrap();
    assert!(matches!(
        ports.groups.insert_member(group.id, &joined).await,
        Err(Error::Conflict(_))
    ));
    ports
        .groups
        .set_member_role(group.id, c.id, GroupRole::Owner)
        .await
        .unwrap();
    let c_member = ports
        .groups
        .member(group.id, c.id)
        .await
        .unwrap()
        .expect("member");
    assert_eq!(c_member.member.role, GroupRole::Owner);
    assert!(ports.groups.delete_member(group.id, b.id).await.unwrap());
    assert!(!ports.groups.delete_member(group.id, b.id).await.unwrap());
    assert!(ports.groups.member(group.id, b.id).await.unwrap().is_none());
    let renamed = ports
        .groups
        .rename_group(group.id, "renamed")
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("renamed"));
    assert!(matches!(
        ports.groups.rename_group(new_id(), "x").await,
        Err(Error::NotFound(_))
    ));
    let of_c = ports.groups.groups_of_user(c.id).await.unwrap();
    assert_eq!(of_c.len(), 1);
    assert_eq!(of_c[0].group.id, group.id);
    assert_eq!(of_c[0].read_seq, 0, "a new member has read nothing");
    assert!(ports.groups.groups_of_user(b.id).await.unwrap().is_empty());

    let key = direct_key(a.id, c.id);
    let direct = Group {
        id: new_id(),
        kind: GroupKind::Direct,
        name: None,
        ..group.clone()
    };
    let pair = [
        Member {
            user_id: a.id,
            role: GroupRole::Owner,
            joined_at: ports.clock.now(),
        },
        Member {
            user_id: c.id,
            role: GroupRole::Member,
            joined_at: ports.clock.now(),
        },
    ];
    ports
        .groups
        .insert_group(&direct, &pair, Some(&key))
        .await
        .unwrap();
    let again = Group {
        id: new_id(),
        ..direct.clone()
    };
    assert!(matches!(
        ports
            .groups
            .insert_group(&again, &pair, Some(&direct_key(c.id, a.id)))
            .await,
        Err(Error::Conflict(_))
    ));
    assert_eq!(
        ports.groups.direct_group(&key).await.unwrap().map(|g| g.id),
        Some(direct.id)
    );
    assert!(
        ports.groups.group_by_id(again.id).await.unwrap().is_none(),
        "the loser left nothing"
    );
}

pub async fn sequence_numbers_are_strictly_increasing_under_concurrent_senders(ports: &Ports) {
    let senders = [
        stored_user(ports, "sa").await,
        stored_user(ports, "sb").await,
        stored_user(ports, "sc").await,
    ];
    let group = stored_group(ports, &senders.iter().collect::<Vec<_>>()).await;
    let group = &group;
    let sends = senders.iter().flat_map(|sender| {
        (0..6).map(move |i| {
            let message = new_message(group, sender, &format!("c{i}"), "hi", ports.clock.now());
            async move { ports.messages.append_message(&message, 0).await.unwrap() }
        })
    });
    let appended = join_all(sends).await;
    assert!(appended.iter().all(|a| a.created));
    let mut seqs: Vec<i64> = appended.iter().map(|a| a.message.seq).collect();
    seqs.sort();
    assert_eq!(seqs, (1..=18).collect::<Vec<_>>(), "no gap, no duplicate");
    let stored = ports.groups.group_by_id(group.id).await.unwrap().unwrap();
    assert_eq!(stored.last_seq, 18);
}

pub async fn a_repeated_client_msg_id_returns_the_original(ports: &Ports) {
    let (a, b) = (
        stored_user(ports, "ia").await,
        stored_user(ports, "ib").await,
    );
    let group = stored_group(ports, &[&a, &b]).await;
    let tries = (0..5).map(|n| {
        let message = new_message(
            &group,
            &a,
            "retry-me",
            &format!("try {n}"),
            ports.clock.now(),
        );
        async move { ports.messages.append_message(&message, 0).await.unwrap() }
    });
    let outcomes = join_all(tries).await;
    assert_eq!(outcomes.iter().filter(|o| o.created).count(), 1);
    let ids: HashSet<Id> = outcomes.iter().map(|o| o.message.id).collect();
    assert_eq!(ids.len(), 1);
    let other_sender = ports
        .messages
        .append_message(
            &new_message(&group, &b, "retry-me", "mine", ports.clock.now()),
            0,
        )
        .await
        .unwrap();
    assert!(other_sender.created);
    assert_eq!(other_sender.message.seq, 2);
    let missing_group = Group {
        id: new_id(),
        ..group.clone()
    };
    let orphan = new_message(&missing_group, &a, "x", "x", ports.clock.now());
    assert!(matches!(
        ports.messages.append_message(&orphan, 0).await,
        Err(Error::NotFound(_))
    ));
    // Nor does one from a user who is not a member (removed meanwhile, say).
    let outsider = stored_user(ports, "out").await;
    let intruding = new_message(&group, &outsider, "x", "intruder-1", ports.clock.now());
    assert!(matches!(
        ports.messages.append_message(&intruding, 0).await,
        Err(Error::NotFound(_))
    ));
}

pub async fn messages_are_edited_deleted_and_reacted_to_in_place(ports: &Ports) {
    let (a, b) = (
        stored_user(ports, "ea").await,
        stored_user(ports, "eb").await,
    );
    let group = stored_group(ports, &[&a, &b]).await;
    let now = ports.clock.now();
    for (n, sender) in [&a, &b, &a].into_iter().enumerate() {
        let mut message = new_message(&group, sender, &format!("e{n}"), &format!("text {n}"), now);
        message.reply_to = (n == 2).then_some(1);
        ports.messages.append_message(&message, 0).await.unwrap();
    }
    let messages = &ports.messages;
    assert_eq!(
        messages
            .message_at(group.id, 3)
            .await
            .unwrap()
            .unwrap()
            .reply_to,
        Some(1)
    );
    assert!(messages.message_at(group.id, 4).await.unwrap().is_none());

    // Edits: in place, stamped, and the same text again changes nothing.
    let at = now.plus_millis(5_000);
    let (edited, changed) = messages
        .edit_message(group.id, 1, "changed", at)
        .await
        .unwrap();
    assert!(changed);
    assert_eq!(
        (edited.text.as_str(), edited.edited_at, edited.seq),
        ("changed", Some(at), 1)
    );
    let (_, changed) = messages
        .edit_message(group.id, 1, "changed", at.plus_millis(1))
        .await
        .unwrap();
    assert!(!changed, "a retried edit stores nothing new");
    assert_eq!(
        messages
            .message_at(group.id, 1)
            .await
            .unwrap()
            .unwrap()
            .edited_at,
        Some(at)
    );
    assert!(matches!(
        messages.edit_message(group.id, 99, "x", at).await,
        Err(Error::NotFound(_))
    ));
    // Concurrent edits end with one of the texts, whole.
    let texts: Vec<String> = (0..6).map(|n| format!("racing edit number {n}")).collect();
    let edits = texts
        .iter()
        .map(|text| messages.edit_message(group.id, 1, text, at));
    let outcomes = futures_util::future::join_all(edits).await;
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    let final_text = messages
        .message_at(group.id, 1)
        .await
        .unwrap()
        .unwrap()
        .text;
    assert!(texts.contains(&final_text), "{final_text}");

    // Reactions: idempotent, counted per emoji, most-used first.
    let react = |user: Id, emoji: &'static str, on: bool| async move {
        ports
            .messages
            .set_reaction(group.id, 2, emoji, user, on)
            .await
            .unwrap()
    };
    assert!(react(a.id, "👍", true).await.1);
    assert!(
        !react(a.id, "👍", true).await.1,
        "reacting again changes nothing"
    );
    react(b.id, "❤️", true).await;
    let (message, _) = react(b.id, "👍", true).await;
    let summary: Vec<(&str, u32)> = message
        .reactions
        .iter()
        .map(|r| (r.emoji.as_str(), r.count))
        .collect();
    assert_eq!(summary, [("👍", 2), ("❤️", 1)]);
    let mut both = vec![a.id, b.id];
    both.sort();
    assert_eq!(message.reactions[0].user_ids, both);
    assert!(react(b.id, "❤️", false).await.1);
    let (message, changed) = react(b.id, "❤️", false).await;
    assert!(!changed, "taking back twice changes nothing");
    assert_eq!(message.reactions.len(), 1, "an emoji nobody uses is gone");
    let history = messages
        .history(group.id, HistoryQuery::new(Some(0), None, None).unwrap())
        .await
        .unwrap();
    assert_eq!(history.messages[1].reactions, message.reactions);

    // At most 20 emoji a message; the users listed are capped, the count is not.
    let emoji = [
        "😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰",
        "😗", "😙", "🥲", "😚", "🙂", "🤗",
    ];
    for one in &emoji[..20] {
        messages
            .set_reaction(group.id, 3, one, a.id, true)
            .await
            .unwrap();
    }
    assert!(matches!(
        messages
            .set_reaction(group.id, 3, emoji[20], a.id, true)
            .await,
        Err(Error::Conflict(_))
    ));
    messages
        .set_reaction(group.id, 3, emoji[0], b.id, true)
        .await
        .unwrap();
    let many: Vec<Id> = (0..53).map(|_| new_id()).collect();
    let reactions = many
        .iter()
        .map(|user| messages.set_reaction(group.id, 3, "😀", *user, true));
    for outcome in crate::ports::bounded(reactions).await {
        outcome.unwrap();
    }
    let message = messages.message_at(group.id, 3).await.unwrap().unwrap();
    let most = &message.reactions[0];
    assert_eq!((most.emoji.as_str(), most.count), ("😀", 55));
    assert_eq!(
        most.user_ids.len(),
        crate::domain::message::MAX_REACTION_USERS
    );

    // A deletion keeps the seq and empties the message; a deleted message takes no change.
    assert!(messages.delete_message(group.id, 2).await.unwrap());
    assert!(!messages.delete_message(group.id, 2).await.unwrap());
    let tombstone = messages.message_at(group.id, 2).await.unwrap().unwrap();
    assert!(tombstone.deleted);
    assert_eq!(
        (tombstone.text.as_str(), tombstone.reactions.len()),
        ("", 0)
    );
    assert!(matches!(
        messages.edit_message(group.id, 2, "again", at).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        messages.set_reaction(group.id, 2, "👍", a.id, true).await,
        Err(Error::Conflict(_))
    ));
    assert!(matches!(
        messages.delete_message(group.id, 99).await,
        Err(Error::NotFound(_))
    ));
    let history = messages
        .history(group.id, HistoryQuery::new(Some(0), None, None).unwrap())
        .await
        .unwrap();
    let seqs: Vec<(i64, bool)> = history
        .messages
        .iter()
        .map(|m| (m.seq, m.deleted))
        .collect();
    assert_eq!(seqs, [(1, false), (2, true), (3, false)], "no gap");
}

pub async fn an_attachment_is_recorded_and_claimed_by_one_send(ports: &Ports) {
    use crate::domain::message::{Attachment, AttachmentRecord};
    let record = AttachmentRecord {
        attachment: Attachment {
            id: new_id(),
            filename: "ünïcode name.pdf".to_string(),
            content_type: "application/pdf".to_string(),
            size: 26_214_400,
            url: String::new(),
        },
        group_id: new_id(),
        uploader_id: new_id(),
        created_at: ports.clock.now(),
        used_by: None,
    };
    let attachments = &ports.attachments;
    assert!(
        attachments
            .attachment(record.attachment.id)
            .await
            .unwrap()
            .is_none()
    );
    attachments.insert_attachment(&record).await.unwrap();
    assert_eq!(
        attachments.attachment(record.attachment.id).await.unwrap(),
        Some(record.clone())
    );
    let id = record.attachment.id;
    attachments
        .claim_attachment(id, "sender/m-1")
        .await
        .unwrap();
    attachments
        .claim_attachment(id, "sender/m-1")
        .await
        .expect("the same send claims it again");
    assert!(matches!(
        attachments.claim_attachment(id, "sender/m-2").await,
        Err(Error::Conflict(_))
    ));
    assert_eq!(
        attachments
            .attachment(id)
            .await
            .unwrap()
            .unwrap()
            .used_by
            .as_deref(),
        Some("sender/m-1")
    );
    assert!(matches!(
        attachments.claim_attachment(new_id(), "sender/m-1").await,
        Err(Error::Conflict(_))
    ));
}

pub async fn history_pages_in_ascending_seq_both_ways(ports: &Ports) {
    let (a, b) = (
        stored_user(ports, "ha").await,
        stored_user(ports, "hb").await,
    );
    let group = stored_group(ports, &[&a, &b]).await;
    for i in 1..=7 {
        let sender = if i % 2 == 0 { &b } else { &a };
        ports
            .messages
            .append_message(
                &new_message(
                    &group,
                    sender,
                    &format!("h{i}"),
                    &format!("n{i}"),
                    ports.clock.now(),
                ),
                0,
            )
            .await
            .unwrap();
    }
    let page = |after, before, limit| async move {
        let query = HistoryQuery::new(after, before, Some(limit)).unwrap();
        let page = ports.messages.history(group.id, query).await.unwrap();
        (
            page.messages.iter().map(|m| m.seq).collect::<Vec<_>>(),
            page.has_more,
        )
    };
    assert_eq!(page(None, None, 3).await, (vec![5, 6, 7], true));
    assert_eq!(page(None, Some(5), 3).await, (vec![2, 3, 4], true));
    assert_eq!(page(None, Some(2), 3).await, (vec![1], false));
    assert_eq!(page(Some(0), None, 3).await, (vec![1, 2, 3], true));
    assert_eq!(page(Some(5), None, 3).await, (vec![6, 7], false));
    assert_eq!(page(Some(2), Some(5), 10).await, (vec![3, 4], false));
    // The extremes of the range never wrap around to the first page.
    assert_eq!(page(Some(i64::MAX), None, 3).await, (vec![], false));
    assert_eq!(page(None, Some(0), 3).await, (vec![], false));
    assert_eq!(page(Some(6), Some(i64::MAX), 3).await, (vec![7], false));
    let full = ports
        .messages
        .history(group.id, HistoryQuery::new(Some(0), None, None).unwrap())
        .await
        .unwrap();
    assert_eq!(full.messages[3].text, "n4");
    assert_eq!(full.messages[3].sender_id, b.id);
    // Each send moved its sender's read mark to it: a sent 7 last, b sent 6.
    let mark = |user: Id| async move {
        ports
            .groups
            .groups_of_user(user)
            .await
            .unwrap()
            .into_iter()
            .find(|mine| mine.group.id == group.id)
            .expect("a member")
            .read_seq
    };
    assert_eq!((mark(a.id).await, mark(b.id).await), (7, 6));
    assert_eq!(
        ports
            .groups
            .advance_read_seq(group.id, b.id, 7)
            .await
            .unwrap(),
        7
    );
    assert_eq!(
        ports
            .groups
            .advance_read_seq(group.id, b.id, 2)
            .await
            .unwrap(),
        7,
        "never moves back"
    );
    assert!(matches!(
        ports.groups.advance_read_seq(new_id(), a.id, 1).await,
        Err(Error::NotFound(_))
    ));
    // A removed member's mark is forgotten: added again, it starts with nothing read, and
    // while out it cannot move a mark.
    assert!(ports.groups.delete_member(group.id, b.id).await.unwrap());
    assert!(matches!(
        ports.groups.advance_read_seq(group.id, b.id, 3).await,
        Err(Error::NotFound(_))
    ));
    ports
        .groups
        .insert_member(
            group.id,
            &Member {
                user_id: b.id,
                role: GroupRole::Member,
                joined_at: ports.clock.now(),
            },
        )
        .await
        .unwrap();
    assert_eq!(mark(b.id).await, 0);
    assert_eq!(mark(a.id).await, 7, "the others' marks stay");
}

pub async fn an_inbox_delivers_wakes_a_waiting_receive_and_forgets_what_is_acknowledged(
    ports: &Ports,
) {
    let session = new_id();
    ports.inbox.create_inbox(session).await.unwrap();
    ports.inbox.create_inbox(session).await.unwrap();
    assert!(
        ports
            .inbox
            .receive(session, Duration::ZERO)
            .await
            .unwrap()
            .is_empty()
    );
    let inbox = ports.inbox.clone();
    let waiting = tokio::spawn(async move {
        let started = Instant::now();
        let got = inbox
            .receive(session, Duration::from_secs(10))
            .await
            .unwrap();
        (got, started.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    ports.inbox.deliver(session, r#"{"n":1}"#).await.unwrap();
    let (got, waited) = waiting.await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, r#"{"n":1}"#);
    assert!(
        waited < Duration::from_secs(5),
        "the receive returned on delivery, not at its end: {waited:?}"
    );
    ports
        .inbox
        .acknowledge(session, &[got[0].receipt.clone()])
        .await
        .unwrap();
    for n in 2..=13 {
        ports
            .inbox
            .deliver(session, &format!(r#"{{"n":{n}}}"#))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    for _ in 0..10 {
        let batch = ports
            .inbox
            .receive(session, Duration::from_secs(1))
            .await
            .unwrap();
        if batch.is_empty() {
            break;
        }
        let receipts: Vec<String> = batch.iter().map(|d| d.receipt.clone()).collect();
        seen.extend(batch.into_iter().map(|d| d.body));
        ports.inbox.acknowledge(session, &receipts).await.unwrap();
        // A receipt used twice is harmless.
        ports.inbox.acknowledge(session, &receipts).await.unwrap();
    }
    let mut numbers: Vec<i64> = seen
        .iter()
        .map(|b| {
            serde_json::from_str::<serde_json::Value>(b).unwrap()["n"]
                .as_i64()
                .unwrap()
        })
        .collect();
    numbers.sort();
    assert_eq!(numbers, (2..=13).collect::<Vec<_>>());
    ports.inbox.delete_inbox(session).await.unwrap();
    ports.inbox.delete_inbox(session).await.unwrap();
}

pub async fn an_unacknowledged_delivery_comes_back_after_the_visibility_period(
    ports: &Ports,
    visibility: Duration,
) {
    let session = new_id();
    ports.inbox.create_inbox(session).await.unwrap();
    ports
        .inbox
        .deliver(session, r#"{"again":true}"#)
        .await
        .unwrap();
    let first = ports
        .inbox
        .receive(session, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        ports
            .inbox
            .receive(session, Duration::ZERO)
            .await
            .unwrap()
            .is_empty(),
        "hidden while in flight"
    );
    let again = ports
        .inbox
        .receive(session, visibility + Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(again.len(), 1, "back after the visibility period");
    assert_eq!(again[0].body, first[0].body);
    ports
        .inbox
        .acknowledge(session, &[again[0].receipt.clone()])
        .await
        .unwrap();
    assert!(
        ports
            .inbox
            .receive(session, visibility + Duration::from_secs(1))
            .await
            .unwrap()
            .is_empty()
    );
    ports.inbox.delete_inbox(session).await.unwrap();
}

pub async fn a_deleted_or_missing_inbox_is_not_found(ports: &Ports) {
    let session = new_id();
    assert!(matches!(
        ports.inbox.deliver(session, "{}").await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        ports.inbox.receive(session, Duration::ZERO).await,
        Err(Error::NotFound(_))
    ));
    ports.inbox.create_inbox(session).await.unwrap();
    ports.inbox.deliver(session, "{}").await.unwrap();
    ports.inbox.delete_inbox(session).await.unwrap();
    assert!(matches!(
        ports.inbox.deliver(session, "{}").await,
        Err(Error::NotFound(_))
    ));
}

pub async fn a_creation_key_binds_one_group_and_a_cut_short_creation_is_finished(ports: &Ports) {
    use crate::domain::money::Idempotency;
    let creator = new_id();
    let key = |fingerprint: &str| Idempotency {
        scope: format!("group:{creator}"),
        key: "k-1".to_string(),
        fingerprint: fingerprint.to_string(),
    };
    let (first, second) = (new_id(), new_id());
    let claim = |idempotency: Idempotency, id: Id| async move {
        ports.groups.claim_creation_key(&idempotency, id).await
    };
    assert_eq!(claim(key("f"), first).await.unwrap(), first);
    assert_eq!(claim(key("f"), second).await.unwrap(), first, "bound once");
    assert!(matches!(
        claim(key("other"), second).await,
        Err(Error::Conflict(_))
    ));
    let elsewhere = Idempotency {
        scope: format!("group:{}", new_id()),
        ..key("f")
    };
    assert_eq!(
        claim(elsewhere, second).await.unwrap(),
        second,
        "keys are per scope"
    );

    // More members than one transaction holds, one of them twice: the insert fails part way
    // (after its first transaction, on DynamoDB). Its retry finishes the same group.
    let now = ports.clock.now();
    let group = Group {
        id: new_id(),
        kind: GroupKind::Group,
        name: Some("big".to_string()),
        created_by: creator,
        created_at: now,
        last_seq: 0,
    };
    let members: Vec<Member> = std::iter::once(creator)
        .chain((0..119).map(|_| new_id()))
        .enumerate()
        .map(|(n, user_id)| Member {
            user_id,
            role: if n == 0 {
                GroupRole::Owner
            } else {
                GroupRole::Member
            },
            joined_at: now,
        })
        .collect();
    let mut with_a_repeat = members.clone();
    with_a_repeat.insert(110, members[105].clone());
    assert!(
        ports
            .groups
            .insert_group(&group, &with_a_repeat, None)
            .await
            .is_err()
    );
    ports
        .groups
        .insert_group(&group, &members, None)
        .await
        .unwrap();
    let mut stored: Vec<Id> = ports
        .groups
        .members(group.id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.member.user_id)
        .collect();
    stored.sort();
    let mut expected: Vec<Id> = members.iter().map(|m| m.user_id).collect();
    expected.sort();
    assert_eq!(stored, expected);
    // Once finished, another insert of it changes nothing: a member removed stays removed.
    assert!(
        ports
            .groups
            .delete_member(group.id, members[7].user_id)
            .await
            .unwrap()
    );
    ports
        .groups
        .insert_group(&group, &members, None)
        .await
        .unwrap();
    assert_eq!(ports.groups.members(group.id).await.unwrap().len(), 119);
}

pub async fn inboxes_are_listed_page_by_page_and_missing_sessions_found(ports: &Ports) {
    let now = ports.clock.now();
    let mut made = Vec::new();
    for n in 0..5u8 {
        let session = Session {
            id: new_id(),
            user_id: new_id(),
            device: format!("d{n}"),
            created_at: now,
            expires_at: now.plus_millis(60_000),
        };
        ports.inbox.create_inbox(session.id).await.unwrap();
        // Every other session keeps its item; the others lost it (TTL, a crash).
        if n % 2 == 0 {
            ports
                .sessions
                .insert_session(&SessionRecord {
                    session: session.clone(),
                    secret_hash: [n; 32],
                })
                .await
                .unwrap();
        }
        made.push(session.id);
    }
    let mut listed = Vec::new();
    let mut after = None;
    for _ in 0..10 {
        let page = ports
            .inbox
            .inboxes(&PageRequest { after, limit: 2 })
            .await
            .unwrap();
        listed.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    listed.sort();
    let mut expected = made.clone();
    expected.sort();
    assert_eq!(listed, expected, "each inbox listed once");
    let unknown = new_id();
    let asked: Vec<Id> = made.iter().copied().chain([unknown, made[1]]).collect();
    assert_eq!(
        ports.sessions.missing_sessions(&asked).await.unwrap(),
        vec![made[1], made[3], unknown, made[1]],
        "in the order asked, repeats included"
    );
}

fn credit_request(
    user: Id,
    amount: i64,
    key: &str,
    at: Timestamp,
) -> crate::domain::money::CreditRequest {
    use crate::domain::money::{CreditRequest, EntryKind, Idempotency, LedgerEntry};
    CreditRequest {
        entry: LedgerEntry {
            id: new_id(),
            user_id: user,
            amount,
            currency: "EUR".to_string(),
            kind: EntryKind::Credit,
            charge_id: None,
            created_at: at,
        },
        idempotency: Idempotency {
            scope: "credit:conformance".to_string(),
            key: key.to_string(),
            fingerprint: format!("{user}|{amount}"),
        },
    }
}

fn charge_request(
    payer: Id,
    payee: Id,
    amount: i64,
    key: &str,
    source: Option<&str>,
    at: Timestamp,
) -> crate::domain::money::ChargeRequest {
    use crate::domain::money::{Charge, ChargeRequest, Idempotency};
    ChargeRequest {
        charge: Charge {
            id: new_id(),
            payer_id: payer,
            payee_id: payee,
            amount,
            currency: "EUR".to_string(),
            group_id: None,
            description: Some("conformance".to_string()),
            created_at: at,
        },
        idempotency: Idempotency {
            scope: format!("charge:{payee}"),
            key: key.to_string(),
            fingerprint: format!("{payer}|{amount}"),
        },
        source: source.map(str::to_string),
        needs_authorization: false,
    }
}

async fn balance(ports: &Ports, user: Id, currency: &str) -> i64 {
    ports
        .ledger
        .balances(user)
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.currency == currency)
        .map_or(0, |b| b.amount)
}

/// Every page of a list, in order, at `limit` a page.
async fn all_pages<T, F, Fut>(limit: usize, mut page_of: F) -> Vec<T>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = crate::domain::Result<Page<T>>>,
{
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = page_of(PageRequest { after, limit }).await.unwrap();
        assert!(page.items.len() <= limit);
        all.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => return all,
        }
    }
}

async fn ledger_sum(ports: &Ports, user: Id) -> i64 {
    all_pages(200, |page| async move {
        ports.ledger.entries(user, &page).await
    })
    .await
    .iter()
    .map(|e| e.amount)
    .sum()
}

pub async fn credits_are_idempotent_and_refuse_a_reused_key_with_other_parameters(ports: &Ports) {
    let user = new_id();
    let now = ports.clock.now();
    let (entry, created) = ports
        .ledger
        .credit(&credit_request(user, 100, "top-up-1", now))
        .await
        .unwrap();
    assert!(created);
    let (again, created) = ports
        .ledger
        .credit(&credit_request(user, 100, "top-up-1", now))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, entry.id);
    assert!(matches!(
        ports
            .ledger
            .credit(&credit_request(user, 200, "top-up-1", now))
            .await,
        Err(Error::Conflict(_))
    ));
    assert_eq!(balance(ports, user, "EUR").await, 100);
    assert_eq!(ledger_sum(ports, user).await, 100);
}

pub async fn concurrent_charges_never_overdraw_and_the_ledger_adds_up(
    ports: &Ports,
    concurrent: usize,
) {
    let (payer, payee) = (new_id(), new_id());
    let now = ports.clock.now();
    let funds = 10 * (concurrent as i64) / 5;
    ports
        .ledger
        .credit(&credit_request(payer, funds, &format!("fund-{payer}"), now))
        .await
        .unwrap();
    let charges = (0..concurrent).map(|n| {
        let request = charge_request(payer, payee, 10, &format!("c-{n}"), None, now);
        async move { ports.ledger.charge(&request).await }
    });
    let outcomes = join_all(charges).await;
    let succeeded = outcomes
        .iter()
        .filter(|o| matches!(o, Ok((_, true))))
        .count();
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Err(Error::InsufficientFunds(_))))
        .count();
    assert_eq!(
        (succeeded, refused),
        (concurrent / 5, concurrent - concurrent / 5),
        "{outcomes:?}"
    );
    assert_eq!(balance(ports, payer, "EUR").await, 0);
    assert_eq!(ledger_sum(ports, payer).await, 0);
    assert_eq!(balance(ports, payee, "EUR").await, funds);
    assert_eq!(ledger_sum(ports, payee).await, funds);
    let charged = all_pages(200, |page| async move {
        ports.ledger.charges_of_user(payer, &page).await
    })
    .await;
    assert_eq!(charged.len(), concurrent / 5);
    assert!(
        charged
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at),
        "newest first"
    );
}

pub async fn retried_charges_with_one_key_charge_once(ports: &Ports, concurrent: usize) {
    let (payer, payee) = (new_id(), new_id());
    let now = ports.clock.now();
    ports
        .ledger
        .credit(&credit_request(payer, 100, &format!("fund-{payer}"), now))
        .await
        .unwrap();
    let retries = (0..concurrent).map(|_| {
        let request = charge_request(payer, payee, 30, "one-key", None, now);
        async move { ports.ledger.charge(&request).await.unwrap() }
    });
    let outcomes = join_all(retries).await;
    assert_eq!(outcomes.iter().filter(|(_, created)| *created).count(), 1);
    let ids: HashSet<Id> = outcomes.iter().map(|(c, _)| c.id).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(balance(ports, payer, "EUR").await, 70);
    assert!(matches!(
        ports
            .ledger
            .charge(&charge_request(payer, payee, 40, "one-key", None, now))
            .await,
        Err(Error::Conflict(_))
    ));
    let original = outcomes[0].0.clone();
    let same = charge_request(payer, payee, 30, "one-key", None, now).idempotency;
    assert_eq!(
        ports.ledger.replay_charge(&same).await.unwrap(),
        Some(original)
    );
    let other = charge_request(payer, payee, 40, "one-key", None, now).idempotency;
    assert!(matches!(
        ports.ledger.replay_charge(&other).await,
        Err(Error::Conflict(_))
    ));
    let unused = charge_request(payer, payee, 30, "never-used", None, now).idempotency;
    assert_eq!(ports.ledger.replay_charge(&unused).await.unwrap(), None);
    assert!(matches!(
        ports
            .ledger
            .charge(&charge_request(payer, payee, 71, "too-much", None, now))
            .await,
        Err(Error::InsufficientFunds(_))
    ));
    // A refused charge leaves nothing behind: its key is still free.
    let (_, created) = ports
        .ledger
        .charge(&charge_request(payer, payee, 70, "too-much-2", None, now))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(balance(ports, payer, "EUR").await, 0);
    assert_eq!(ledger_sum(ports, payer).await, 0);
    assert_eq!(ledger_sum(ports, payee).await, 100);
}

pub async fn a_charge_source_is_charged_once(ports: &Ports) {
    let (payer, payee) = (new_id(), new_id());
    let now = ports.clock.now();
    ports
        .ledger
        .credit(&credit_request(payer, 500, &format!("fund-{payer}"), now))
        .await
        .unwrap();
    let source = format!("timer:{}", new_id());
    ports
        .ledger
        .charge(&charge_request(
            payer,
            payee,
            150,
            "run-1",
            Some(&source),
            now,
        ))
        .await
        .unwrap();
    assert!(matches!(
        ports
            .ledger
            .charge(&charge_request(
                payer,
                payee,
                150,
                "run-1-again",
                Some(&source),
                now
            ))
            .await,
        Err(Error::Conflict(_))
    ));
    let (_, created) = ports
        .ledger
        .charge(&charge_request(
            payer,
            payee,
            150,
            "run-1",
            Some(&source),
            now,
        ))
        .await
        .unwrap();
    assert!(!created, "the original key still returns the original");
    assert_eq!(balance(ports, payer, "EUR").await, 350);
}

pub async fn blocks_are_kept_per_blocker_and_found_among_candidates(ports: &Ports) {
    let (alice, bob, carol, mallory) = (new_id(), new_id(), new_id(), new_id());
    assert!(ports.blocks.blocked_by(alice).await.unwrap().is_empty());
    for _ in 0..2 {
        ports.blocks.block(alice, mallory).await.unwrap();
    }
    ports.blocks.block(carol, mallory).await.unwrap();
    ports.blocks.block(alice, bob).await.unwrap();
    let mut blocked = ports.blocks.blocked_by(alice).await.unwrap();
    blocked.sort();
    let mut expected = vec![mallory, bob];
    expected.sort();
    assert_eq!(blocked, expected);
    let mut blockers = ports
        .blocks
        .blockers_among(&[alice, bob, carol, new_id()], mallory)
        .await
        .unwrap();
    blockers.sort();
    let mut expected = vec![alice, carol];
    expected.sort();
    assert_eq!(blockers, expected);
    assert!(
        ports
            .blocks
            .blockers_among(&[], mallory)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ports
            .blocks
            .blockers_among(&[carol, carol], mallory)
            .await
            .unwrap(),
        [carol],
        "a candidate named twice is one"
    );
    for _ in 0..2 {
        ports.blocks.unblock(alice, mallory).await.unwrap();
    }
    assert_eq!(ports.blocks.blocked_by(alice).await.unwrap(), [bob]);
    assert_eq!(
        ports
            .blocks
            .blockers_among(&[alice, carol], mallory)
            .await
            .unwrap(),
        [carol]
    );
    ports.blocks.unblock(new_id(), mallory).await.unwrap();
}

pub async fn a_member_hides_a_group_until_a_newer_message(ports: &Ports) {
    let (a, b) = (
        stored_user(ports, "hide-a").await,
        stored_user(ports, "hide-b").await,
    );
    let group = stored_group(ports, &[&a, &b]).await;
    let listed = |user: Id| async move {
        ports
            .groups
            .groups_of_user(user)
            .await
            .unwrap()
            .into_iter()
            .find(|mine| mine.group.id == group.id)
            .map(|mine| mine.membership.hides(mine.group.last_seq))
            .expect("still a member")
    };
    ports
        .groups
        .set_hidden(group.id, a.id, Some(0))
        .await
        .unwrap();
    assert!(listed(a.id).await, "hidden for a");
    assert!(!listed(b.id).await, "not for b");
    ports
        .messages
        .append_message(
            &new_message(&group, &b, "newer", "hide-1", ports.clock.now()),
            0,
        )
        .await
        .unwrap();
    assert!(!listed(a.id).await, "a newer message shows it");
    ports
        .groups
        .set_hidden(group.id, a.id, Some(1))
        .await
        .unwrap();
    assert!(listed(a.id).await);
    ports.groups.set_hidden(group.id, a.id, None).await.unwrap();
    assert!(!listed(a.id).await);
    assert!(matches!(
        ports.groups.set_hidden(group.id, new_id(), Some(1)).await,
        Err(Error::NotFound(_))
    ));
}

pub async fn ledger_entries_and_charges_page_in_order_each_once(ports: &Ports) {
    let (payer, payee) = (new_id(), new_id());
    let start = ports.clock.now();
    for n in 0..4 {
        let at = start.plus_millis(n);
        ports
            .ledger
            .credit(&credit_request(payer, 100, &format!("page-{n}"), at))
            .await
            .unwrap();
        ports
            .ledger
            .charge(&charge_request(
                payer,
                payee,
                10 + n,
                &format!("page-c{n}"),
                None,
                at,
            ))
            .await
            .unwrap();
    }
    for limit in [1, 3, 8, 200] {
        let entries = all_pages(limit, |page| async move {
            ports.ledger.entries(payer, &page).await
        })
        .await;
        assert_eq!(entries.len(), 8, "limit {limit}");
        assert!(
            entries
                .windows(2)
                .all(|w| (w[0].created_at, w[0].id) < (w[1].created_at, w[1].id)),
            "oldest first, each once (limit {limit})"
        );
        let charges = all_pages(limit, |page| async move {
            ports.ledger.charges_of_user(payee, &page).await
        })
        .await;
        let amounts: Vec<i64> = charges.iter().map(|c| c.amount).collect();
        assert_eq!(amounts, [13, 12, 11, 10], "newest first (limit {limit})");
    }
    let first = ports
        .ledger
        .entries(
            payer,
            &PageRequest {
                after: None,
                limit: 8,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (first.items.len(), first.next),
        (8, None),
        "an exact last page says so"
    );
    for forged in ["garbage", "CHARGE#1", "1:not-an-id"] {
        let page = PageRequest {
            after: Some(forged.to_string()),
            limit: 5,
        };
        assert!(
            matches!(
                ports.ledger.entries(payer, &page).await,
                Err(Error::Invalid(_))
            ),
            "{forged}"
        );
    }
}

pub async fn the_member_cap_holds_under_concurrent_additions(ports: &Ports) {
    use crate::domain::group::MAX_GROUP_MEMBERS;
    let now = ports.clock.now();
    let member = |user_id: Id| Member {
        user_id,
        role: GroupRole::Member,
        joined_at: now,
    };
    let group = Group {
        id: new_id(),
        kind: GroupKind::Group,
        name: Some("nearly full".to_string()),
        created_by: new_id(),
        created_at: now,
        last_seq: 0,
    };
    let founders: Vec<Member> = (0..MAX_GROUP_MEMBERS - 3)
        .map(|_| member(new_id()))
        .collect();
    ports
        .groups
        .insert_group(&group, &founders, None)
        .await
        .unwrap();
    let joining = (0..10).map(|_| {
        let newcomer = member(new_id());
        async move { ports.groups.insert_member(group.id, &newcomer).await }
    });
    let outcomes = join_all(joining).await;
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        3,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .all(|o| o.is_ok() || matches!(o, Err(Error::Conflict(_))))
    );
    assert_eq!(
        ports.groups.members(group.id).await.unwrap().len(),
        MAX_GROUP_MEMBERS
    );
    // One leaves: one place is free again, and only one.
    assert!(
        ports
            .groups
            .delete_member(group.id, founders[0].user_id)
            .await
            .unwrap()
    );
    assert!(
        !ports
            .groups
            .delete_member(group.id, founders[0].user_id)
            .await
            .unwrap()
    );
    ports
        .groups
        .insert_member(group.id, &member(new_id()))
        .await
        .unwrap();
    assert!(matches!(
        ports
            .groups
            .insert_member(group.id, &member(new_id()))
            .await,
        Err(Error::Conflict(_))
    ));
    // A member already in is a conflict of its own, and changes no count.
    assert!(matches!(
        ports.groups.insert_member(group.id, &founders[1]).await,
        Err(Error::Conflict(_))
    ));
}

pub async fn failures_are_counted_per_key_and_window(ports: &Ports) {
    let prefix = new_id();
    let (user, address) = (format!("{prefix}:user"), format!("{prefix}:address"));
    let both = [user.clone(), address.clone()];
    let window = Timestamp::from_millis(ports.clock.now().as_millis() + 60_000);
    assert_eq!(
        ports.failures.failures(&both, window).await.unwrap(),
        [0, 0]
    );
    let counted = (0..3).map(|_| ports.failures.count_failure(&both, window));
    for outcome in join_all(counted).await {
        outcome.unwrap();
    }
    ports
        .failures
        .count_failure(std::slice::from_ref(&address), window)
        .await
        .unwrap();
    assert_eq!(
        ports.failures.failures(&both, window).await.unwrap(),
        [3, 4],
        "concurrent counts are never lost"
    );
    // The next window starts from nothing.
    let next = window.plus_millis(60_000);
    assert_eq!(ports.failures.failures(&both, next).await.unwrap(), [0, 0]);
    ports.failures.count_failure(&both, next).await.unwrap();
    assert_eq!(ports.failures.failures(&both, next).await.unwrap(), [1, 1]);
}

fn authorization(
    payer: Id,
    provider: Id,
    max_amount: i64,
    expires_at: Option<Timestamp>,
    at: Timestamp,
) -> crate::domain::money::Authorization {
    crate::domain::money::Authorization {
        id: new_id(),
        payer_id: payer,
        provider_id: provider,
        currency: "EUR".to_string(),
        max_amount,
        remaining: max_amount,
        expires_at,
        created_at: at,
    }
}

pub async fn a_charge_draws_the_payers_authorization_in_the_same_step(ports: &Ports) {
    let (payer, provider, other) = (new_id(), new_id(), new_id());
    let now = ports.clock.now();
    ports
        .ledger
        .credit(&credit_request(payer, 1_000, &format!("fund-{payer}"), now))
        .await
        .unwrap();
    let authorized_charge = |payee: Id, amount: i64, key: &str| {
        let mut request = charge_request(payer, payee, amount, key, None, now);
        request.needs_authorization = true;
        request
    };
    assert!(matches!(
        ports
            .ledger
            .charge(&authorized_charge(provider, 10, "none-yet"))
            .await,
        Err(Error::PaymentNotAuthorized(_))
    ));

    let granted = authorization(payer, provider, 100, None, now);
    ports.ledger.grant_authorization(&granted).await.unwrap();
    ports
        .ledger
        .charge(&authorized_charge(provider, 60, "a"))
        .await
        .unwrap();
    // 40 left: more is refused, even though the balance could pay it; nothing changes.
    assert!(matches!(
        ports
            .ledger
            .charge(&authorized_charge(provider, 41, "b"))
            .await,
        Err(Error::PaymentNotAuthorized(_))
    ));
    // Another provider is not covered by it.
    assert!(matches!(
        ports
            .ledger
            .charge(&authorized_charge(other, 10, "c"))
            .await,
        Err(Error::PaymentNotAuthorized(_))
    ));
    // Concurrent charges never draw more than is left.
    let racing = (0..8).map(|n| {
        let request = authorized_charge(provider, 10, &format!("race-{n}"));
        async move { ports.ledger.charge(&request).await }
    });
    let outcomes = join_all(racing).await;
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        4,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .all(|o| o.is_ok() || matches!(o, Err(Error::PaymentNotAuthorized(_))))
    );
    let stored = ports.ledger.authorizations_of(payer).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].id, stored[0].remaining), (granted.id, 0));
    assert_eq!(balance(ports, payer, "EUR").await, 1_000 - 100);

    // Granting again replaces it; a retried key replays without drawing again.
    let renewed = authorization(payer, provider, 5_000, None, now);
    ports.ledger.grant_authorization(&renewed).await.unwrap();
    let (_, created) = ports
        .ledger
        .charge(&authorized_charge(provider, 60, "a"))
        .await
        .unwrap();
    assert!(!created);
    let stored = ports.ledger.authorizations_of(payer).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].id, stored[0].remaining), (renewed.id, 5_000));

    // The balance still bounds it: 402 with the authorization untouched.
    assert!(matches!(
        ports
            .ledger
            .charge(&authorized_charge(provider, 901, "d"))
            .await,
        Err(Error::InsufficientFunds(_))
    ));
    assert_eq!(
        ports.ledger.authorizations_of(payer).await.unwrap()[0].remaining,
        5_000
    );

    // Revoked: gone, and only by its own payer and id.
    assert!(
        !ports
            .ledger
            .revoke_authorization(other, renewed.id)
            .await
            .unwrap()
    );
    assert!(
        !ports
            .ledger
            .revoke_authorization(payer, granted.id)
            .await
            .unwrap()
    );
    assert!(
        ports
            .ledger
            .revoke_authorization(payer, renewed.id)
            .await
            .unwrap()
    );
    assert!(
        ports
            .ledger
            .authorizations_of(payer)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        ports
            .ledger
            .charge(&authorized_charge(provider, 10, "e"))
            .await,
        Err(Error::PaymentNotAuthorized(_))
    ));

    // An expired one covers nothing.
    let ended = authorization(
        payer,
        provider,
        100,
        Some(now.plus_millis(-1)),
        now.plus_millis(-60_000),
    );
    ports.ledger.grant_authorization(&ended).await.unwrap();
    assert!(matches!(
        ports
            .ledger
            .charge(&authorized_charge(provider, 10, "f"))
            .await,
        Err(Error::PaymentNotAuthorized(_))
    ));
    let lasting = authorization(payer, provider, 100, Some(now.plus_millis(60_000)), now);
    ports.ledger.grant_authorization(&lasting).await.unwrap();
    ports
        .ledger
        .charge(&authorized_charge(provider, 10, "g"))
        .await
        .unwrap();
    assert_eq!(balance(ports, payer, "EUR").await, 1_000 - 110);
    assert_eq!(ledger_sum(ports, payer).await, 1_000 - 110);
}

pub async fn timer_writes_only_succeed_over_the_version_they_read(ports: &Ports) {
    use crate::domain::timer::{Timer, Transition};
    let group_id = new_id();
    let now = ports.clock.now();
    assert!(ports.timers.timer(group_id).await.unwrap().is_none());
    let idle = Timer::idle(group_id, now);
    let rate = Some(crate::domain::money::Rate {
        amount_per_minute: 50,
        currency: "EUR".to_string(),
    });
    let started = idle.apply(Transition::Start, now, rate, new_id()).unwrap();
    ports.timers.save_timer(&started).await.unwrap();
    assert_eq!(
        ports.timers.timer(group_id).await.unwrap(),
        Some(started.clone())
    );
    assert!(
        matches!(
            ports.timers.save_timer(&started).await,
            Err(Error::Conflict(_))
        ),
        "same version twice"
    );
    let pauses = (0..4).map(|_| {
        let paused = started
            .apply(Transition::Pause, now.plus_millis(1000), None, new_id())
            .unwrap();
        async move { ports.timers.save_timer(&paused).await }
    });
    let outcomes = join_all(pauses).await;
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .filter(|o| o.is_err())
            .all(|o| matches!(o, Err(Error::Conflict(_))))
    );
    let stored = ports.timers.timer(group_id).await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.accumulated_ms, 1000);
    assert_eq!(stored.rate.as_ref().map(|r| r.amount_per_minute), Some(50));
}
