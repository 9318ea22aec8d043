#![cfg(feature = "aws")]

//! The sweep on the AWS adapters, against the emulator `scripts/test` starts. moto never
//! deletes by TTL, which is exactly the case the sweep exists for.

use std::time::Duration;

use chat_core::aws::provision::on_emulator;
use chat_core::domain::session::{Session, SessionRecord};
use chat_core::domain::{Error, new_id};
use chat_core::service::{Config, Services};

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
    assert_eq!(session_sweeper::sweep(&services, 5).await.unwrap(), 2);
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
    assert_eq!(session_sweeper::sweep(&services, 5).await.unwrap(), 0);
}

fn uuid_suffix() -> String {
    new_id().simple().to_string()[20..].to_string()
}
