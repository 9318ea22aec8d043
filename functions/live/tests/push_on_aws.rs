//! Pushes through API Gateway's management API, against a small fake of it started here
//! (`POST` and `DELETE /{stage}/@connections/{id}`: 200 for a known connection, 410 Gone for
//! any other), with DynamoDB and SQS on the emulator that `scripts/test` starts
//! (`CHAT_TEST_AWS_ENDPOINT`). moto's own management API never answers Gone, hence the fake.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chat_core::aws::AwsSettings;
use chat_core::aws::provision::{create_tables, emulator_adapters_with};
use chat_core::domain::group::GroupKind;
use chat_core::service::{
    Caller, Config, CreateGroupInput, LoginInput, PollInput, SendMessageInput, Services,
    SignUpInput,
};

#[derive(Default)]
struct FakeApi {
    known: Mutex<HashSet<String>>,
    posts: Mutex<Vec<(String, String)>>,
    deletes: Mutex<Vec<String>>,
}

fn gone() -> Response {
    (
        StatusCode::GONE,
        [
            ("x-amzn-errortype", "GoneException"),
            ("content-type", "application/json"),
        ],
        r#"{"message":"Gone"}"#,
    )
        .into_response()
}

async fn post(State(api): State<Arc<FakeApi>>, Path(id): Path<String>, body: String) -> Response {
    if !api.known.lock().unwrap().contains(&id) {
        return gone();
    }
    api.posts.lock().unwrap().push((id, body));
    StatusCode::OK.into_response()
}

async fn delete(State(api): State<Arc<FakeApi>>, Path(id): Path<String>) -> Response {
    if !api.known.lock().unwrap().remove(&id) {
        return gone();
    }
    api.deletes.lock().unwrap().push(id);
    StatusCode::NO_CONTENT.into_response()
}

async fn start_fake() -> (Arc<FakeApi>, String) {
    let api = Arc::new(FakeApi::default());
    let app = axum::Router::new()
        .route(
            "/prod/@connections/{id}",
            axum::routing::post(post).delete(delete),
        )
        .with_state(api.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/prod", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (api, url)
}

async fn member(services: &Services, name: &str, device: &str) -> Caller {
    let _ = services
        .sign_up(
            None,
            SignUpInput {
                username: name.to_string(),
                password: "correct-horse-battery".to_string(),
                display_name: None,
                role: None,
            },
        )
        .await;
    let login = services
        .login(
            LoginInput {
                username: name.to_string(),
                password: "correct-horse-battery".to_string(),
                device: Some(device.to_string()),
            },
            "127.0.0.1",
        )
        .await
        .unwrap();
    Caller {
        user: login.user,
        session: login.session,
    }
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn events_are_pushed_to_live_connections_and_a_gone_one_falls_back_to_its_queue() {
    let endpoint = std::env::var("CHAT_TEST_AWS_ENDPOINT")
        .expect("CHAT_TEST_AWS_ENDPOINT must name the AWS emulator (scripts/test starts one)");
    let (api, management_url) = start_fake().await;
    let prefix = format!("l{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let mut settings = AwsSettings::with_prefix(&prefix);
    settings.live_management_url = Some(management_url);
    let adapters = emulator_adapters_with(&endpoint, settings, "test", "test")
        .await
        .unwrap();
    create_tables(&adapters)
        .await
        .unwrap_or_else(|e| panic!("the AWS emulator at {endpoint} is unreachable: {e}"));
    let services = Services::new(adapters.ports(), Config::default());

    let alice_phone = member(&services, "alice", "phone").await;
    let alice_laptop = member(&services, "alice", "laptop").await;
    let bob = member(&services, "bob", "phone").await;
    let (group, _) = services
        .create_group(
            &bob,
            CreateGroupInput {
                kind: GroupKind::Group,
                name: Some("pushes".to_string()),
                member_ids: vec![alice_phone.user.id],
                idempotency_key: None,
            },
        )
        .await
        .unwrap();
    let drain = |caller: Caller| {
        let services = &services;
        async move {
            let input = PollInput {
                wait: Some(0.0),
                ack: None,
            };
            let first = services.poll(&caller, input).await.unwrap();
            if let Some(ack) = first.ack.clone() {
                let input = PollInput {
                    wait: Some(0.0),
                    ack: Some(ack),
                };
                services.poll(&caller, input).await.unwrap();
            }
            first
                .events
                .iter()
                .map(|e| e.get().to_string())
                .collect::<Vec<_>>()
        }
    };
    drain(alice_phone.clone()).await;
    drain(alice_laptop.clone()).await;

    api.known.lock().unwrap().insert("known-1".to_string());
    services
        .attach_live(alice_phone.session.id, "known-1")
        .await
        .unwrap();
    services
        .attach_live(alice_laptop.session.id, "gone-9")
        .await
        .unwrap();
    adapters.reset_call_counts();

    let sent = services
        .send_message(
            &bob,
            group.group.id,
            SendMessageInput {
                text: "pushed".to_string(),
                client_msg_id: "b-1".to_string(),
                reply_to: None,
                attachments: Vec::new(),
            },
        )
        .await
        .unwrap()
        .message;
    let posts = api.posts.lock().unwrap().clone();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].0, "known-1");
    assert!(posts[0].1.contains(&sent.id.to_string()), "{}", posts[0].1);
    assert_eq!(
        adapters.call_counts().push,
        2,
        "one push each, the gone one refused"
    );
    // The phone got it pushed and not queued; the laptop's connection was gone, so its queue
    // has it and its connection is forgotten.
    assert!(
        drain(alice_phone.clone())
            .await
            .iter()
            .all(|e| !e.contains("pushed"))
    );
    let laptop = drain(alice_laptop.clone()).await;
    assert!(
        laptop.iter().any(|e| e.contains(&sent.id.to_string())),
        "{laptop:?}"
    );
    let connections = services
        .ports
        .connections
        .connections_of(&[alice_phone.session.id, alice_laptop.session.id])
        .await
        .unwrap();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[&alice_phone.session.id], "known-1");

    // Logout closes the phone's connection: a last frame that says why, then the close.
    services.logout(&alice_phone).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let last = api.posts.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.0, "known-1");
    assert!(last.1.contains("\"code\":4001"), "{}", last.1);
    assert_eq!(api.deletes.lock().unwrap().as_slice(), ["known-1"]);
}
