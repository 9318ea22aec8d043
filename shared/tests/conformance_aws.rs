//! The conformance suite on the AWS adapters (DynamoDB + SQS) against an emulator.
//! `scripts/test` starts moto, sets `CHAT_TEST_AWS_ENDPOINT` and runs these with
//! `--include-ignored`; without the variable they fail rather than pass unseen.

#![cfg(feature = "aws")]

use std::sync::Arc;
use std::time::Duration;

use chat_core::aws::AwsAdapters;
use chat_core::aws::provision::on_emulator;
use chat_core::conformance;
use chat_core::ports::Ports;

const VISIBILITY: Duration = Duration::from_secs(1);

async fn aws() -> (Arc<AwsAdapters>, Ports) {
    let endpoint = std::env::var("CHAT_TEST_AWS_ENDPOINT")
        .expect("CHAT_TEST_AWS_ENDPOINT must name the AWS emulator (scripts/test starts one)");
    let prefix = format!("t{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let adapters = on_emulator(&endpoint, &prefix, VISIBILITY)
        .await
        .unwrap_or_else(|e| {
            panic!("the AWS emulator at {endpoint} is unreachable or failing: {e}")
        });
    let ports = adapters.ports();
    (adapters, ports)
}

macro_rules! aws_conformance_tests {
    ($($check:ident),* $(,)?) => {
        $(
            #[tokio::test]
            #[ignore = "needs the AWS emulator: run through scripts/test"]
            async fn $check() {
                let (_adapters, ports) = aws().await;
                conformance::$check(&ports).await;
            }
        )*
    };
}

aws_conformance_tests!(
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
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn an_unacknowledged_delivery_comes_back_after_the_visibility_period() {
    let (_adapters, ports) = aws().await;
    conformance::an_unacknowledged_delivery_comes_back_after_the_visibility_period(
        &ports, VISIBILITY,
    )
    .await;
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn concurrent_charges_never_overdraw_and_the_ledger_adds_up() {
    let (_adapters, ports) = aws().await;
    conformance::concurrent_charges_never_overdraw_and_the_ledger_adds_up(&ports, 50).await;
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn retried_charges_with_one_key_charge_once() {
    let (_adapters, ports) = aws().await;
    conformance::retried_charges_with_one_key_charge_once(&ports, 20).await;
}
