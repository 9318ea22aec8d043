//! The conformance suite on the AWS adapters (DynamoDB + SQS) against an emulator.
//! `scripts/test` starts moto, sets `CHAT_TEST_AWS_ENDPOINT` and runs these with
//! `--include-ignored`; without the variable they fail rather than pass unseen.

#![cfg(feature = "aws")]

use std::sync::Arc;
use std::time::Duration;

use chat_core::aws::AwsAdapters;
use chat_core::aws::provision::on_emulator;
use chat_core::ports::Ports;

const VISIBILITY: Duration = Duration::from_secs(1);

async fn aws() -> (Arc<AwsAdapters>, Ports, Duration) {
    let endpoint = std::env::var("CHAT_TEST_AWS_ENDPOINT")
        .expect("CHAT_TEST_AWS_ENDPOINT must name the AWS emulator (scripts/test starts one)");
    let prefix = format!("t{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let adapters = on_emulator(&endpoint, &prefix, VISIBILITY)
        .await
        .unwrap_or_else(|e| {
            panic!("the AWS emulator at {endpoint} is unreachable or failing: {e}")
        });
    let ports = adapters.ports();
    (adapters, ports, VISIBILITY)
}

chat_core::conformance_suite!(aws, #[ignore = "needs the AWS emulator: run through scripts/test"]);
