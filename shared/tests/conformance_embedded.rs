//! The conformance suite on the embedded adapters (SQLite file + in-process wake-ups).

use std::sync::Arc;
use std::time::Duration;

use chat_core::conformance;
use chat_core::embedded::EmbeddedStore;
use chat_core::ports::{Ports, SystemClock};

const VISIBILITY: Duration = Duration::from_secs(1);

fn embedded() -> (tempfile::TempDir, Ports) {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(
        &dir.path().join("chat.db"),
        Arc::new(SystemClock),
        VISIBILITY,
    )
    .unwrap();
    (dir, store.ports())
}

macro_rules! conformance_tests {
    ($($check:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                let (_dir, ports) = embedded();
                conformance::$check(&ports).await;
            }
        )*
    };
}

conformance_tests!(
    users_are_unique_ignoring_case_and_found_by_id_and_name,
    sessions_are_stored_listed_while_live_and_deleted,
    groups_keep_members_roles_and_one_direct_chat_per_pair,
    sequence_numbers_are_strictly_increasing_under_concurrent_senders,
    a_repeated_client_msg_id_returns_the_original,
    history_pages_in_ascending_seq_both_ways,
    an_inbox_delivers_wakes_a_waiting_receive_and_forgets_what_is_acknowledged,
    a_deleted_or_missing_inbox_is_not_found,
    credits_are_idempotent_and_refuse_a_reused_key_with_other_parameters,
    a_charge_source_is_charged_once,
    timer_writes_only_succeed_over_the_version_they_read,
);

#[tokio::test]
async fn concurrent_charges_never_overdraw_and_the_ledger_adds_up() {
    let (_dir, ports) = embedded();
    conformance::concurrent_charges_never_overdraw_and_the_ledger_adds_up(&ports, 50).await;
}

#[tokio::test]
async fn retried_charges_with_one_key_charge_once() {
    let (_dir, ports) = embedded();
    conformance::retried_charges_with_one_key_charge_once(&ports, 20).await;
}

#[tokio::test]
async fn an_unacknowledged_delivery_comes_back_after_the_visibility_period() {
    let (_dir, ports) = embedded();
    conformance::an_unacknowledged_delivery_comes_back_after_the_visibility_period(
        &ports, VISIBILITY,
    )
    .await;
}
