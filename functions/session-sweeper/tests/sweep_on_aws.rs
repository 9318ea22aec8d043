#![cfg(feature = "aws")]

//! The sweep on the AWS adapters, against the emulator `scripts/test` starts. moto never
//! deletes by TTL, which is exactly the case the sweep exists for.

use std::time::{Duration, SystemTime};

use chat_core::aws::provision::on_emulator;
use chat_core::domain::page::PageRequest;
use chat_core::domain::session::{Session, SessionRecord};
use chat_core::domain::{Error, new_id};
use chat_core::ports::Ports;
use chat_core::service::{Config, Services};
use session_sweeper::Swept;

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn the_sweep_deletes_expired_sessions_and_their_queues() {
    let endpoint = std::env::var("CHAT_TEST_AWS_ENDPOINT")
        .expect("CHAT_TEST_AWS_ENDPOINT must name the AWS emulator (scripts/test starts one)");
    let prefix = format!("s{}", &uuid_suffix());
    let adapters = on_emulator(&endpoint, &prefix, Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| {
            panic!("the AWS emulator at {endpoint} is unreachable or failing: {e}")
        });
    let ports = adapters.ports();
    let now = ports.clock.now();
    let user_id = new_id();
    let mut sessions = Vec::new();
    for (n, lifetime_ms) in [-60_000i64, -1, 3_600_000].into_iter().enumerate() {
        let session = Session {
            id: new_id(),
            user_id,
            device: format!("d{n}"),
            created_at: now.plus_millis(-120_000),
            expires_at: now.plus_millis(lifetime_ms),
        };
        ports.inbox.create_inbox(session.id).await.unwrap();
        ports
            .sessions
            .insert_session(&SessionRecord {
                session: session.clone(),
                secret_hash: [n as u8; 32],
            })
            .await
            .unwrap();
        sessions.push(session);
    }
    let services = Services::new(ports.clone(), Config::default());
    assert_eq!(
        session_sweeper::sweep(&services, 5).await.unwrap(),
        Swept {
            sessions: 2,
            orphaned_inboxes: 0
        }
    );
    for expired in &sessions[..2] {
        assert!(
            ports
                .sessions
                .session_by_id(expired.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(matches!(
            ports.inbox.deliver(expired.id, "{}").await,
            Err(Error::NotFound(_))
        ));
    }
    ports.inbox.deliver(sessions[2].id, "{}").await.unwrap();
    assert!(
        ports
            .sessions
            .session_by_id(sessions[2].id)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        session_sweeper::sweep(&services, 5).await.unwrap(),
        Swept::default()
    );
}

/// A session made `hours_ago` (its id says when), with a queue and a live item.
async fn session_made(ports: &Ports, hours_ago: u64) -> Session {
    let made = SystemTime::now() - Duration::from_secs(hours_ago * 3600);
    let since_epoch = made.duration_since(SystemTime::UNIX_EPOCH).unwrap();
    let id = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        since_epoch.as_secs(),
        since_epoch.subsec_nanos(),
    ));
    let now = ports.clock.now();
    let session = Session {
        id,
        user_id: new_id(),
        device: "d".to_string(),
        created_at: now,
        expires_at: now.plus_millis(86_400_000),
    };
    ports.inbox.create_inbox(session.id).await.unwrap();
    ports
        .sessions
        .insert_session(&SessionRecord {
            session: session.clone(),
            secret_hash: [7; 32],
        })
        .await
        .unwrap();
    session
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn no_queue_outlives_its_session_item_even_one_deleted_out_from_under_it() {
    let endpoint = std::env::var("CHAT_TEST_AWS_ENDPOINT")
        .expect("CHAT_TEST_AWS_ENDPOINT must name the AWS emulator (scripts/test starts one)");
    let prefix = format!("o{}", &uuid_suffix());
    let adapters = on_emulator(&endpoint, &prefix, Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| {
            panic!("the AWS emulator at {endpoint} is unreachable or failing: {e}")
        });
    let ports = adapters.ports();
    let live = session_made(&ports, 3).await;
    // TTL took these items (as it may, without the sweep seeing them): their queues remain.
    let vanished_old = session_made(&ports, 2).await;
    let vanished_young = session_made(&ports, 0).await;
    for session in [&vanished_old, &vanished_young] {
        ports.sessions.delete_session(session.id).await.unwrap();
    }
    let services = Services::new(ports.clone(), Config::default());
    assert_eq!(
        session_sweeper::sweep(&services, 5).await.unwrap(),
        Swept {
            sessions: 0,
            orphaned_inboxes: 1
        }
    );
    assert!(matches!(
        ports.inbox.deliver(vanished_old.id, "{}").await,
        Err(Error::NotFound(_))
    ));
    ports.inbox.deliver(live.id, "{}").await.unwrap();
    // Too young to tell from a queue whose session item is still on its way: left for now.
    ports.inbox.deliver(vanished_young.id, "{}").await.unwrap();
    let listed = ports
        .inbox
        .inboxes(&PageRequest {
            after: None,
            limit: 100,
        })
        .await
        .unwrap();
    let mut listed = listed.items;
    listed.sort();
    let mut expected = vec![live.id, vanished_young.id];
    expected.sort();
    assert_eq!(listed, expected, "the queues left are exactly these");
}

fn uuid_suffix() -> String {
    new_id().simple().to_string()[20..].to_string()
}
