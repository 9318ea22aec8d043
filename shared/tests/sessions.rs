//! Session lifetimes on the embedded adapters, on a clock the test moves.

use std::sync::Arc;
use std::time::Duration;

use chat_core::Error;
use chat_core::domain::Timestamp;
use chat_core::domain::user::Role;
use chat_core::embedded::EmbeddedStore;
use chat_core::ports::{Clock, ManualClock};
use chat_core::service::{Config, LoginInput, PollInput, Services};

async fn services(dir: &tempfile::TempDir, clock: Arc<ManualClock>) -> Services {
    let store =
        EmbeddedStore::open(&dir.path().join("chat.db"), clock, Duration::from_secs(30)).unwrap();
    let config = Config {
        session_ttl: Duration::from_secs(3600),
        token_cache_ttl: Duration::from_secs(10),
        ..Config::default()
    };
    let services = Services::new(store.ports(), config);
    services
        .create_user("alice", "alice-secret-1", None, Role::Member)
        .await
        .unwrap();
    services
}

fn login() -> LoginInput {
    LoginInput {
        username: "alice".into(),
        password: "alice-secret-1".into(),
        device: Some("phone".into()),
    }
}

#[tokio::test]
async fn the_sweep_deletes_expired_sessions_and_their_inboxes_only() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_800_000_000_000)));
    let services = services(&dir, clock.clone()).await;
    let old = services.login(login(), "127.0.0.1").await.unwrap();
    clock.advance(Duration::from_secs(1800));
    let fresh = services.login(login(), "127.0.0.1").await.unwrap();
    clock.advance(Duration::from_secs(1801));
    assert!(clock.now() > old.session.expires_at && clock.now() < fresh.session.expires_at);

    assert_eq!(services.sweep_expired_sessions(None).await.unwrap().0, 1);
    assert_eq!(services.sweep_expired_sessions(None).await.unwrap().0, 0);
    let inbox = &services.ports.inbox;
    assert!(matches!(
        inbox.deliver(old.session.id, "{}").await,
        Err(Error::NotFound(_))
    ));
    inbox.deliver(fresh.session.id, "{}").await.unwrap();
    assert!(
        services
            .ports
            .sessions
            .session_by_id(old.session.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        services.authenticate(Some(&old.token)).await,
        Err(Error::Unauthorized(_))
    ));
    services.authenticate(Some(&fresh.token)).await.unwrap();
}

#[tokio::test]
async fn a_poll_recreates_a_missing_inbox_for_a_live_session_only() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_800_000_000_000)));
    let services = services(&dir, clock.clone()).await;
    let session = services.login(login(), "127.0.0.1").await.unwrap();
    let caller = services.authenticate(Some(&session.token)).await.unwrap();
    services
        .ports
        .inbox
        .delete_inbox(session.session.id)
        .await
        .unwrap();
    let answer = services
        .poll(
            &caller,
            PollInput {
                wait: Some(0.0),
                ack: None,
            },
        )
        .await
        .unwrap();
    assert!(answer.events.is_empty());
    services
        .ports
        .inbox
        .deliver(session.session.id, r#"{"again":1}"#)
        .await
        .unwrap();

    // Logged out in another process whose cache still trusts the token: no orphan inbox.
    services
        .ports
        .sessions
        .delete_session(session.session.id)
        .await
        .unwrap();
    services
        .ports
        .inbox
        .delete_inbox(session.session.id)
        .await
        .unwrap();
    let refused = services
        .poll(
            &caller,
            PollInput {
                wait: Some(0.0),
                ack: None,
            },
        )
        .await;
    assert!(
        matches!(refused, Err(Error::Unauthorized(_))),
        "{refused:?}"
    );
    assert!(matches!(
        services.ports.inbox.deliver(session.session.id, "{}").await,
        Err(Error::NotFound(_))
    ));
}
