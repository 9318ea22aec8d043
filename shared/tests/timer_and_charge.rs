//! The timer and charge use cases over the embedded adapters, on a clock the test moves.

use std::sync::Arc;
use std::time::Duration;

use chat_core::Error;
use chat_core::domain::money::Rate;
use chat_core::domain::session::Session;
use chat_core::domain::timer::{TimerState, Transition};
use chat_core::domain::{Id, Timestamp};
use chat_core::embedded::EmbeddedStore;
use chat_core::fixture::{self, ALICE_ID, BOB_ID, CAROL_ID, ERIN_ID, GROUP_ID, ROOT_ID};
use chat_core::ports::{Clock, ManualClock};
use chat_core::service::{Caller, ChargeInput, Config, CreditInput, Services};

struct World {
    _dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    services: Services,
}

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_800_000_000_000)));
    let store = EmbeddedStore::open(
        &dir.path().join("chat.db"),
        clock.clone(),
        Duration::from_secs(30),
    )
    .unwrap();
    fixture::seed(&store.ports()).await.unwrap();
    World {
        _dir: dir,
        clock,
        services: Services::new(store.ports(), Config::default()),
    }
}

async fn caller(world: &World, user_id: Id) -> Caller {
    let user = world.services.user(user_id).await.unwrap();
    let now = world.clock.now();
    Caller {
        session: Session {
            id: chat_core::domain::new_id(),
            user_id,
            device: "test".into(),
            created_at: now,
            expires_at: now.plus_millis(3_600_000),
        },
        user,
    }
}

fn eur(per_minute: i64) -> Option<Rate> {
    Some(Rate {
        amount_per_minute: per_minute,
        currency: "EUR".to_string(),
    })
}

fn timer_charge(key: &str) -> ChargeInput {
    ChargeInput {
        payer_id: ALICE_ID,
        amount: None,
        currency: None,
        group_id: Some(GROUP_ID),
        from_timer: Some(true),
        description: Some("consultation".to_string()),
        idempotency_key: key.to_string(),
    }
}

#[tokio::test]
async fn elapsed_time_is_right_across_pause_and_resume_and_the_stopped_run_is_charged_once() {
    let world = world().await;
    let (carol, root) = (
        caller(&world, CAROL_ID).await,
        caller(&world, ROOT_ID).await,
    );
    let services = &world.services;
    services
        .credit_wallet(
            &root,
            ALICE_ID,
            CreditInput {
                amount: 1000,
                currency: "EUR".into(),
                idempotency_key: "k".into(),
            },
        )
        .await
        .unwrap();

    let started = services
        .drive_timer(&carol, GROUP_ID, Transition::Start, eur(50))
        .await
        .unwrap();
    assert_eq!(
        (started.state, started.elapsed_ms, started.version),
        (TimerState::Running, 0, 1)
    );
    world.clock.advance(Duration::from_secs(30));
    assert_eq!(
        services.timer(&carol, GROUP_ID).await.unwrap().elapsed_ms,
        30_000
    );
    services
        .drive_timer(&carol, GROUP_ID, Transition::Pause, None)
        .await
        .unwrap();
    world.clock.advance(Duration::from_secs(600));
    assert_eq!(
        services.timer(&carol, GROUP_ID).await.unwrap().elapsed_ms,
        30_000,
        "paused time is not counted"
    );
    services
        .drive_timer(&carol, GROUP_ID, Transition::Resume, None)
        .await
        .unwrap();
    world.clock.advance(Duration::from_secs(91));
    let stopped = services
        .drive_timer(&carol, GROUP_ID, Transition::Stop, None)
        .await
        .unwrap();
    assert_eq!(
        (stopped.state, stopped.elapsed_ms, stopped.version),
        (TimerState::Stopped, 121_000, 4)
    );
    world.clock.advance(Duration::from_secs(3600));
    assert_eq!(
        services.timer(&carol, GROUP_ID).await.unwrap().elapsed_ms,
        121_000
    );

    // 2 min 1 s at 50 a minute: three minutes started, 150.
    let (charge, created) = services
        .charge(&carol, timer_charge("visit-1"))
        .await
        .unwrap();
    assert!(created);
    assert_eq!(
        (charge.amount, charge.currency.as_str(), charge.payee_id),
        (150, "EUR", CAROL_ID)
    );
    let (same, created) = services
        .charge(&carol, timer_charge("visit-1"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(same.id, charge.id);
    assert!(matches!(
        services.charge(&carol, timer_charge("visit-1-again")).await,
        Err(Error::Conflict(_))
    ));
    let alice = caller(&world, ALICE_ID).await;
    // The fixture starts alice at 1000; the admin added 1000.
    assert_eq!(services.wallet(&alice).await.unwrap()[0].amount, 1850);

    // A new run can be charged again.
    services
        .drive_timer(&carol, GROUP_ID, Transition::Start, eur(10))
        .await
        .unwrap();
    world.clock.advance(Duration::from_secs(59));
    services
        .drive_timer(&carol, GROUP_ID, Transition::Stop, None)
        .await
        .unwrap();
    let (second, _) = services
        .charge(&carol, timer_charge("visit-2"))
        .await
        .unwrap();
    assert_eq!(second.amount, 10);
    // A retry of the first run's charge still gets the original, though the timer moved on.
    let (replayed, created) = services
        .charge(&carol, timer_charge("visit-1"))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!((replayed.id, replayed.amount), (charge.id, 150));
}

#[tokio::test]
async fn of_two_concurrent_pauses_one_wins_and_one_gets_conflict() {
    let world = world().await;
    let carol = caller(&world, CAROL_ID).await;
    let alice = caller(&world, ALICE_ID).await;
    world
        .services
        .drive_timer(&carol, GROUP_ID, Transition::Start, None)
        .await
        .unwrap();
    world.clock.advance(Duration::from_secs(5));
    let (a, b) = tokio::join!(
        world
            .services
            .drive_timer(&carol, GROUP_ID, Transition::Pause, None),
        world
            .services
            .drive_timer(&alice, GROUP_ID, Transition::Pause, None),
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    assert!(matches!(a, Err(Error::Conflict(_))) || matches!(b, Err(Error::Conflict(_))));
    let timer = world.services.timer(&alice, GROUP_ID).await.unwrap();
    assert_eq!(
        (timer.state, timer.version, timer.elapsed_ms),
        (TimerState::Paused, 2, 5000)
    );
}

#[tokio::test]
async fn only_owners_provider_members_and_admins_drive_the_timer() {
    let world = world().await;
    let bob = caller(&world, BOB_ID).await;
    let erin = caller(&world, ERIN_ID).await;
    let root = caller(&world, ROOT_ID).await;
    let services = &world.services;
    assert!(matches!(
        services
            .drive_timer(&bob, GROUP_ID, Transition::Start, None)
            .await,
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        services
            .drive_timer(&erin, GROUP_ID, Transition::Start, None)
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        services.timer(&erin, GROUP_ID).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        services.timer(&bob, GROUP_ID).await.unwrap().state,
        TimerState::Idle
    );
    services
        .drive_timer(&root, GROUP_ID, Transition::Start, None)
        .await
        .unwrap();
    let bad_rate = Some(Rate {
        amount_per_minute: 0,
        currency: "EUR".into(),
    });
    let alice = caller(&world, ALICE_ID).await;
    services
        .drive_timer(&alice, GROUP_ID, Transition::Stop, None)
        .await
        .unwrap();
    assert!(matches!(
        services
            .drive_timer(&alice, GROUP_ID, Transition::Start, bad_rate)
            .await,
        Err(Error::Invalid(_))
    ));
}
