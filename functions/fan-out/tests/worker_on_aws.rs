//! The queued fan-out on the AWS adapters, against the emulator `scripts/test` starts: the
//! request queues jobs, and the worker (its handler fed SQS events built from what the
//! queue holds, as Lambda's SQS trigger does) delivers them.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chat_core::aws::AwsAdapters;
use chat_core::aws::provision::on_emulator_with_fan_out_queue;
use chat_core::domain::Id;
use chat_core::service::{
    Caller, Config, CreateGroupInput, LoginInput, SendMessageInput, Services, SignUpInput,
};
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";

async fn on_aws(config: Config) -> (Arc<AwsAdapters>, Services) {
    let endpoint = std::env::var("CHAT_TEST_AWS_ENDPOINT")
        .expect("CHAT_TEST_AWS_ENDPOINT must name the AWS emulator (scripts/test starts one)");
    let prefix = format!("w{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let adapters = on_emulator_with_fan_out_queue(&endpoint, &prefix, Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| {
            panic!("the AWS emulator at {endpoint} is unreachable or failing: {e}")
        });
    let services = Services::new(adapters.ports(), config);
    (adapters, services)
}

/// Signs a user up and logs in on two devices.
async fn user_with_two_devices(services: &Services, username: &str) -> [Caller; 2] {
    services
        .sign_up(
            None,
            SignUpInput {
                username: username.to_string(),
                password: PASSWORD.to_string(),
                display_name: None,
                role: None,
            },
        )
        .await
        .unwrap();
    let mut callers = Vec::new();
    for device in ["phone", "laptop"] {
        let login = services
            .login(
                LoginInput {
                    username: username.to_string(),
                    password: PASSWORD.to_string(),
                    device: Some(device.to_string()),
                },
                "127.0.0.1",
            )
            .await
            .unwrap();
        callers.push(services.authenticate(Some(&login.token)).await.unwrap());
    }
    callers.try_into().unwrap()
}

/// Takes everything the fan-out queue holds, as SQS records (message id and body), deleting
/// it as Lambda's trigger does once a batch is handled.
async fn take_jobs(adapters: &AwsAdapters) -> Vec<Value> {
    let url = adapters.settings().fan_out_queue_url.clone().unwrap();
    let mut records = Vec::new();
    loop {
        let received = adapters
            .sqs()
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .send()
            .await
            .unwrap();
        if received.messages().is_empty() {
            return records;
        }
        for message in received.messages() {
            records.push(json!({
                "messageId": message.message_id().unwrap(),
                "body": message.body().unwrap(),
            }));
            adapters
                .sqs()
                .delete_message()
                .queue_url(&url)
                .receipt_handle(message.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
}

/// The event ids each session's inbox holds now, acknowledged.
async fn drain(services: &Services, sessions: &[Id]) -> HashMap<Id, Vec<String>> {
    let mut received = HashMap::new();
    for session in sessions {
        let mut ids = Vec::new();
        loop {
            let deliveries = services
                .ports
                .inbox
                .receive(*session, Duration::ZERO)
                .await
                .unwrap();
            if deliveries.is_empty() {
                break;
            }
            for delivery in &deliveries {
                let event: Value = serde_json::from_str(&delivery.body).unwrap();
                ids.push(event["id"].as_str().unwrap().to_string());
            }
            let receipts: Vec<String> = deliveries.into_iter().map(|d| d.receipt).collect();
            services
                .ports
                .inbox
                .acknowledge(*session, &receipts)
                .await
                .unwrap();
        }
        received.insert(*session, ids);
    }
    received
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn a_large_groups_message_is_queued_and_the_worker_delivers_it_once_per_session() {
    // Small numbers stand for large ones: above 3 users the fan-out is queued, 3 to a job.
    let (adapters, services) = on_aws(Config {
        queued_fan_out_above: 3,
        fan_out_job_users: 3,
        ..Config::default()
    })
    .await;
    let mut users = Vec::new();
    for n in 0..7 {
        users.push(user_with_two_devices(&services, &format!("member{n}")).await);
    }
    let sender = &users[0][0];
    let (group, created) = services
        .create_group(
            sender,
            CreateGroupInput {
                kind: chat_core::domain::group::GroupKind::Group,
                name: Some("crowd".to_string()),
                member_ids: users[1..].iter().map(|u| u[0].user.id).collect(),
                idempotency_key: None,
            },
        )
        .await
        .unwrap();
    assert!(created);
    let sessions: Vec<Id> = users.iter().flatten().map(|c| c.session.id).collect();
    // The creation's event went through the worker too: 7 users in 3 jobs.
    let jobs = take_jobs(&adapters).await;
    assert_eq!(jobs.len(), 3);
    let answer = fan_out::handle(&services, &json!({ "Records": jobs }))
        .await
        .unwrap();
    assert_eq!(answer, json!({ "batchItemFailures": [] }));
    let created_events = drain(&services, &sessions).await;
    assert!(
        created_events
            .values()
            .all(|ids| ids == &[group.group.id.to_string()])
    );

    adapters.reset_call_counts();
    let sent = services
        .send_message(
            sender,
            group.group.id,
            SendMessageInput {
                text: "to everyone".to_string(),
                client_msg_id: "m-1".to_string(),
                reply_to: None,
                attachments: Vec::new(),
            },
        )
        .await
        .unwrap();
    let calls = adapters.call_counts();
    println!("the send's request, 7 members: {calls:?}");
    // The request queued the jobs in one batch and sent nothing to any session itself.
    assert_eq!(calls.sqs, 1, "{calls:?}");
    assert!(
        drain(&services, &sessions)
            .await
            .values()
            .all(Vec::is_empty),
        "nothing is delivered before the worker runs"
    );
    let jobs = take_jobs(&adapters).await;
    assert_eq!(jobs.len(), 3);
    adapters.reset_call_counts();
    let answer = fan_out::handle(&services, &json!({ "Records": jobs.clone() }))
        .await
        .unwrap();
    println!(
        "the worker, 3 jobs, 14 sessions: {:?}",
        adapters.call_counts()
    );
    assert_eq!(answer, json!({ "batchItemFailures": [] }));
    let received = drain(&services, &sessions).await;
    let message_id = sent.message.id.to_string();
    for (session, ids) in &received {
        if *session == sender.session.id {
            assert!(ids.is_empty(), "the sending device has it already");
        } else {
            assert_eq!(
                ids,
                std::slice::from_ref(&message_id),
                "exactly once on {session}"
            );
        }
    }
    assert_eq!(received.len(), 14);

    // A job run again (SQS redelivers it) delivers its users' sessions again under the same
    // event id, which clients drop: at least once, never a different event.
    let answer = fan_out::handle(&services, &json!({ "Records": [jobs[0].clone()] }))
        .await
        .unwrap();
    assert_eq!(answer, json!({ "batchItemFailures": [] }));
    let again = drain(&services, &sessions).await;
    let repeated: Vec<&String> = again.values().flatten().collect();
    assert!(!repeated.is_empty() && repeated.len() <= 6, "{again:?}");
    assert!(repeated.iter().all(|id| **id == message_id));
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn a_job_that_cannot_run_is_reported_alone_for_the_dead_letter_queue() {
    let (_adapters, services) = on_aws(Config::default()).await;
    let good = json!({
        "recipients": [uuid::Uuid::now_v7()],
        "event": "{}",
        "skip_session": null,
    });
    let records = json!({ "Records": [
        { "messageId": "good", "body": good.to_string() },
        { "messageId": "garbled", "body": "{\"recipients\": 7}" },
    ]});
    let answer = fan_out::handle(&services, &records).await.unwrap();
    assert_eq!(
        answer,
        json!({ "batchItemFailures": [{ "itemIdentifier": "garbled" }] })
    );
    assert!(
        fan_out::handle(&services, &json!({ "not": "sqs" }))
            .await
            .is_err()
    );
}
