#![cfg(feature = "aws")]

//! Whole flows through the Lambda handlers on the AWS adapters, against the emulator that
//! `scripts/test` starts (`CHAT_TEST_AWS_ENDPOINT`); run with `--include-ignored`.

use std::sync::Arc;
use std::time::Duration;

use chat_core::aws::AwsAdapters;
use chat_core::aws::provision::on_emulator;
use chat_core::http::{ApiRouter, app};
use chat_core::service::{Config, Services};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn on_aws() -> (Arc<AwsAdapters>, Arc<Services>) {
    let endpoint = std::env::var("CHAT_TEST_AWS_ENDPOINT")
        .expect("CHAT_TEST_AWS_ENDPOINT must name the AWS emulator (scripts/test starts one)");
    let prefix = format!("f{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let adapters = on_emulator(&endpoint, &prefix, Duration::from_secs(30))
        .await
        .unwrap_or_else(|e| {
            panic!("the AWS emulator at {endpoint} is unreachable or failing: {e}")
        });
    let services = Arc::new(Services::new(adapters.ports(), Config::default()));
    (adapters, services)
}

/// Sends one API Gateway (HTTP API, payload 2.0) event through a function's router, as
/// `lambda_http::run` does.
async fn invoke(
    routes: fn() -> ApiRouter,
    services: &Arc<Services>,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let (raw_path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut headers = json!({ "content-type": "application/json" });
    if let Some(token) = token {
        headers["authorization"] = json!(format!("Bearer {token}"));
    }
    let event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012", "apiId": "test", "domainName": "test.local",
            "domainPrefix": "test", "requestId": uuid::Uuid::now_v7().to_string(),
            "routeKey": "$default", "stage": "$default", "time": "29/Nov/2026:12:00:00 +0000",
            "timeEpoch": 1795867200000u64,
            "http": { "method": method, "path": raw_path, "protocol": "HTTP/1.1",
                      "sourceIp": "127.0.0.1", "userAgent": "test" }
        },
        "body": body.map(|b| b.to_string()),
        "isBase64Encoded": false
    });
    let request = lambda_http::request::from_str(&event.to_string()).expect("a valid event");
    let response = app(routes(), services.clone())
        .oneshot(request)
        .await
        .expect("the router never fails");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON body")
    };
    (status, body)
}

const PASSWORD: &str = "correct-horse-battery";

async fn sign_up_and_login(services: &Arc<Services>, name: &str, device: &str) -> (String, String) {
    let body = json!({ "username": name, "password": PASSWORD });
    let (status, _) = invoke(
        login::routes,
        services,
        "POST",
        "/users",
        None,
        Some(body.clone()),
    )
    .await;
    assert!(status == 201 || status == 409, "sign-up: {status}");
    let mut login = body;
    login["device"] = json!(device);
    let (status, answer) = invoke(
        login::routes,
        services,
        "POST",
        "/sessions",
        None,
        Some(login),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    (
        answer["user"]["id"].as_str().unwrap().to_string(),
        answer["token"].as_str().unwrap().to_string(),
    )
}

async fn queue_names(adapters: &AwsAdapters) -> Vec<String> {
    let output = adapters
        .sqs()
        .list_queues()
        .queue_name_prefix(&adapters.settings().queue_prefix)
        .send()
        .await
        .expect("ListQueues");
    output
        .queue_urls()
        .iter()
        .map(|url| url.rsplit('/').next().unwrap().to_string())
        .collect()
}

async fn poll(
    services: &Arc<Services>,
    token: &str,
    wait: u64,
    ack: Option<&str>,
) -> (Vec<Value>, Option<String>) {
    let (status, answer) = invoke(
        poll::routes,
        services,
        "POST",
        "/poll",
        Some(token),
        Some(json!({ "wait": wait, "ack": ack })),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    (
        answer["events"].as_array().unwrap().clone(),
        answer["ack"].as_str().map(str::to_string),
    )
}

/// Polls without waiting, acknowledging as it goes, until the inbox is empty.
async fn drain(services: &Arc<Services>, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut ack = None;
    for _ in 0..100 {
        let (events, next) = poll(services, token, 0, ack.as_deref()).await;
        if events.is_empty() {
            return all;
        }
        all.extend(events);
        ack = next;
    }
    panic!("the inbox never emptied");
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn two_users_chat_through_the_lambda_handlers_and_logging_out_deletes_the_queue() {
    let (adapters, services) = on_aws().await;
    let (_alice, alice_token) = sign_up_and_login(&services, "alice", "phone").await;
    let (bob, bob_token) = sign_up_and_login(&services, "bob", "phone").await;
    assert_eq!(
        queue_names(&adapters).await.len(),
        2,
        "one queue per session"
    );

    let (status, created) = invoke(
        group_manage::routes,
        &services,
        "POST",
        "/groups",
        Some(&alice_token),
        Some(json!({ "kind": "group", "name": "aws", "member_ids": [bob] })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let group = created["group"]["id"].as_str().unwrap().to_string();
    let (joined, ack) = poll(&services, &bob_token, 5, None).await;
    assert_eq!(joined[0]["type"], "group_created");
    poll(&services, &bob_token, 0, ack.as_deref()).await;

    let (status, sent) = invoke(
        send_message::routes,
        &services,
        "POST",
        &format!("/groups/{group}/messages"),
        Some(&alice_token),
        Some(json!({ "text": "hello from lambda", "client_msg_id": "a-1" })),
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    let (events, ack) = poll(&services, &bob_token, 5, None).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["message"]["text"], "hello from lambda");
    assert_eq!(events[0]["message"]["seq"], 1);
    let (after_ack, none) = poll(&services, &bob_token, 0, ack.as_deref()).await;
    assert!(after_ack.is_empty() && none.is_none());

    let (status, history) = invoke(
        poll::routes,
        &services,
        "GET",
        &format!("/groups/{group}/messages?after=0"),
        Some(&bob_token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(history["messages"][0]["id"], sent["message"]["id"]);

    let (status, _) = invoke(
        login::routes,
        &services,
        "DELETE",
        "/sessions/current",
        Some(&bob_token),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let queues = queue_names(&adapters).await;
    assert_eq!(queues.len(), 1, "bob's queue is gone: {queues:?}");
    let (status, _) = invoke(
        login::routes,
        &services,
        "GET",
        "/me",
        Some(&bob_token),
        None,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn one_message_costs_at_most_2_plus_k_plus_k_times_s_calls_with_concurrent_fan_out() {
    let (adapters, services) = on_aws().await;
    let (k, s) = (3usize, 2usize);
    let mut tokens = Vec::new();
    let mut ids = Vec::new();
    for member in 0..k {
        for device in 0..s {
            let (id, token) =
                sign_up_and_login(&services, &format!("member{member}"), &format!("d{device}"))
                    .await;
            if device == 0 {
                ids.push(id);
            }
            tokens.push(token);
        }
    }
    let (status, created) = invoke(
        group_manage::routes,
        &services,
        "POST",
        "/groups",
        Some(&tokens[0]),
        Some(json!({ "kind": "group", "member_ids": ids[1..] })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let group = created["group"]["id"].as_str().unwrap().to_string();
    let messages_path = format!("/groups/{group}/messages");
    let send = |n: usize| {
        invoke(
            send_message::routes,
            &services,
            "POST",
            &messages_path,
            Some(&tokens[0]),
            Some(json!({ "text": "count me", "client_msg_id": format!("m{n}") })),
        )
    };
    // Warm: the token is verified and the queue URL base learnt once per process.
    assert_eq!(send(0).await.0, 201);

    adapters.reset_call_counts();
    assert_eq!(send(1).await.0, 201);
    let calls = adapters.call_counts();
    let budget = 2 + k + k * s;
    println!(
        "one message, k={k} members with s={s} sessions: {} DynamoDB + {} SQS = {} calls (budget {budget}); {} calls in flight at most",
        calls.dynamodb,
        calls.sqs,
        calls.dynamodb + calls.sqs,
        calls.max_in_flight
    );
    // The sending session is skipped: k·s − 1 deliveries.
    assert_eq!(calls.sqs as usize, k * s - 1);
    assert!((calls.dynamodb + calls.sqs) as usize <= budget, "{calls:?}");
    assert!(
        calls.max_in_flight as usize >= k * s - 1,
        "fan-out ran one call after another: {calls:?}"
    );
    for token in &tokens[1..] {
        let (events, _) = poll(&services, token, 1, None).await;
        assert_eq!(events.iter().filter(|e| e["type"] == "message").count(), 2);
    }
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn a_second_poll_of_a_session_ends_the_waiting_one_within_one_check() {
    let (_adapters, services) = on_aws().await;
    let (_alice, token) = sign_up_and_login(&services, "alice", "phone").await;
    let started = std::time::Instant::now();
    let waiting = {
        let (services, token) = (services.clone(), token.clone());
        tokio::spawn(async move { poll(&services, &token, 20, None).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (events, _) = poll(&services, &token, 0, None).await;
    assert!(events.is_empty());
    let (events, _) = waiting.await.unwrap();
    assert!(events.is_empty());
    // SQS cannot be told to stop: the first poll notices between 5-second receives.
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "ended after {:?}, not the full 20 s",
        started.elapsed()
    );
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn a_fan_out_to_200_sessions_keeps_at_most_the_bound_of_calls_in_flight_and_reaches_each() {
    use chat_core::domain::session::{Session, SessionRecord, Token};
    use chat_core::ports::MAX_CALLS_IN_FLIGHT;
    let (adapters, services) = on_aws().await;
    let ports = adapters.ports();
    let (_, sender) = sign_up_and_login(&services, "sender", "phone").await;
    let mut member_ids = Vec::new();
    let mut sessions = Vec::new();
    for member in 0..2 {
        let (id, _) = sign_up_and_login(&services, &format!("reader{member}"), "d0").await;
        let user_id: uuid::Uuid = id.parse().unwrap();
        member_ids.push(id);
        // 99 more devices each, stored directly: 200 sessions in all.
        let now = ports.clock.now();
        let extra = (0..99).map(|_| {
            let ports = ports.clone();
            async move {
                let session = Session {
                    id: uuid::Uuid::now_v7(),
                    user_id,
                    device: "tablet".to_string(),
                    created_at: now,
                    expires_at: now.plus_millis(3_600_000),
                };
                ports.inbox.create_inbox(session.id).await.unwrap();
                let secret_hash = Token::generate(session.id).unwrap().secret_hash();
                ports
                    .sessions
                    .insert_session(&SessionRecord {
                        session: session.clone(),
                        secret_hash,
                    })
                    .await
                    .unwrap();
                session.id
            }
        });
        sessions.extend(chat_core::ports::bounded(extra).await);
    }
    let (status, created) = invoke(
        group_manage::routes,
        &services,
        "POST",
        "/groups",
        Some(&sender),
        Some(json!({ "kind": "group", "name": "crowd", "member_ids": member_ids })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let group = created["group"]["id"].as_str().unwrap().to_string();

    adapters.reset_call_counts();
    let (status, sent) = invoke(
        send_message::routes,
        &services,
        "POST",
        &format!("/groups/{group}/messages"),
        Some(&sender),
        Some(json!({ "text": "to every device", "client_msg_id": "crowd-1" })),
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    let calls = adapters.call_counts();
    println!("a fan-out to 200 sessions: {calls:?}");
    assert!(calls.sqs >= 200, "{calls:?}");
    assert!(
        calls.max_in_flight as usize <= MAX_CALLS_IN_FLIGHT,
        "bounded: {calls:?}"
    );
    assert!(
        calls.max_in_flight as usize >= MAX_CALLS_IN_FLIGHT / 2,
        "still concurrent: {calls:?}"
    );
    // Every one of the 200 sessions has it, once.
    let received = chat_core::ports::bounded(sessions.iter().map(|session| {
        let ports = ports.clone();
        async move {
            ports
                .inbox
                .receive(*session, Duration::ZERO)
                .await
                .unwrap()
                .iter()
                .filter(|d| d.body.contains("to every device"))
                .count()
        }
    }))
    .await;
    assert_eq!(received.len(), 198);
    assert!(received.iter().all(|n| *n == 1), "{received:?}");
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn a_sweep_leaves_no_queue_of_an_expired_session_and_every_live_one() {
    use chat_core::domain::session::{Session, SessionRecord};
    let (adapters, services) = on_aws().await;
    let ports = adapters.ports();
    let now = ports.clock.now();
    let user_id = uuid::Uuid::now_v7();
    let sessions: Vec<(uuid::Uuid, bool)> = (0..35)
        .map(|n| (uuid::Uuid::now_v7(), n % 7 != 0))
        .collect();
    let stored = sessions.iter().map(|(id, expired)| {
        let ports = ports.clone();
        async move {
            let expires_at = if *expired {
                now.plus_millis(-60_000)
            } else {
                now.plus_millis(3_600_000)
            };
            ports.inbox.create_inbox(*id).await.unwrap();
            ports
                .sessions
                .insert_session(&SessionRecord {
                    session: Session {
                        id: *id,
                        user_id,
                        device: "old phone".to_string(),
                        created_at: now.plus_millis(-7_200_000),
                        expires_at,
                    },
                    secret_hash: [7; 32],
                })
                .await
                .unwrap();
        }
    });
    chat_core::ports::bounded(stored).await;
    assert_eq!(queue_names(&adapters).await.len(), 35);

    let mut swept = 0;
    let mut after = None;
    loop {
        let (ended, next) = services.sweep_expired_sessions(after).await.unwrap();
        swept += ended;
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(swept, 30);
    let mut left = queue_names(&adapters).await;
    left.sort();
    let mut live: Vec<String> = sessions
        .iter()
        .filter(|(_, expired)| !expired)
        .map(|(id, _)| format!("{}-{}", adapters.settings().queue_prefix, id.simple()))
        .collect();
    live.sort();
    assert_eq!(left, live, "only the live sessions' queues are left");
    for (id, expired) in &sessions {
        let item = ports.sessions.session_by_id(*id).await.unwrap();
        assert_eq!(item.is_none(), *expired, "{id}");
    }
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn messages_are_edited_reacted_to_and_deleted_over_lambda_events_on_aws() {
    let (_adapters, services) = on_aws().await;
    let (_, alice) = sign_up_and_login(&services, "alice", "phone").await;
    let (bob_id, bob) = sign_up_and_login(&services, "bob", "phone").await;
    let (_, carol) = sign_up_and_login(&services, "carol", "phone").await;
    let (status, created) = invoke(
        group_manage::routes,
        &services,
        "POST",
        "/groups",
        Some(&alice),
        Some(json!({ "kind": "group", "name": "edits", "member_ids": [bob_id] })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let group = created["group"]["id"].as_str().unwrap().to_string();
    let messages = format!("/groups/{group}/messages");
    let send = |token: String, text: &'static str, id: &'static str, reply_to: Option<i64>| {
        let (services, messages) = (services.clone(), messages.clone());
        async move {
            invoke(
                send_message::routes,
                &services,
                "POST",
                &messages,
                Some(&token),
                Some(json!({ "text": text, "client_msg_id": id, "reply_to": reply_to })),
            )
            .await
        }
    };
    assert_eq!(send(alice.clone(), "helo", "a-1", None).await.0, 201);
    let (status, reply) = send(bob.clone(), "hi", "b-1", Some(1)).await;
    assert_eq!(
        (status, reply["message"]["reply_to"].clone()),
        (201, json!(1))
    );
    assert_eq!(send(bob.clone(), "x", "b-2", Some(7)).await.0, 400);
    drain(&services, &bob).await;

    let first = format!("{messages}/1");
    let edit = |token: String, text: &'static str| {
        let (services, first) = (services.clone(), first.clone());
        async move {
            invoke(
                send_message::routes,
                &services,
                "PATCH",
                &first,
                Some(&token),
                Some(json!({ "text": text })),
            )
            .await
        }
    };
    let (status, edited) = edit(alice.clone(), "hello").await;
    assert_eq!(status, 200, "{edited}");
    assert!(
        edited["message"]["edited_at"].is_number() || edited["message"]["edited_at"].is_string()
    );
    assert_eq!(edit(alice.clone(), "hello").await.0, 200);
    assert_eq!(edit(bob.clone(), "mine").await.0, 403);
    assert_eq!(edit(carol.clone(), "mine").await.0, 404);

    let party = format!("{first}/reactions/%F0%9F%8E%89");
    let (status, reacted) = invoke(
        send_message::routes,
        &services,
        "PUT",
        &party,
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(status, 200, "{reacted}");
    assert_eq!(
        reacted["message"]["reactions"],
        json!([{ "emoji": "🎉", "count": 1, "user_ids": [bob_id] }])
    );
    let (status, _) = invoke(
        send_message::routes,
        &services,
        "PUT",
        &party,
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = invoke(
        send_message::routes,
        &services,
        "PUT",
        &format!("{first}/reactions/abc"),
        Some(&bob),
        None,
    )
    .await;
    assert_eq!(status, 400);

    assert_eq!(
        invoke(
            send_message::routes,
            &services,
            "DELETE",
            &first,
            Some(&bob),
            None
        )
        .await
        .0,
        403,
        "not the sender, not the owner"
    );
    assert_eq!(
        invoke(
            send_message::routes,
            &services,
            "DELETE",
            &first,
            Some(&alice),
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(edit(alice.clone(), "back").await.0, 409);

    // Bob's device got one event per stored change, in order.
    let kinds: Vec<String> = drain(&services, &bob)
        .await
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        ["message_edited", "reaction_changed", "message_deleted"]
    );
    let (status, page) = invoke(
        poll::routes,
        &services,
        "GET",
        &format!("{messages}?after=0"),
        Some(&carol),
        None,
    )
    .await;
    assert_eq!(status, 404, "a non-member reads no history: {page}");
    let (_, page) = invoke(
        poll::routes,
        &services,
        "GET",
        &format!("{messages}?after=0"),
        Some(&bob),
        None,
    )
    .await;
    let stored = page["messages"].as_array().unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(
        (
            stored[0]["deleted"].clone(),
            stored[0]["text"].clone(),
            stored[0]["reactions"].clone()
        ),
        (json!(true), json!(""), json!([]))
    );
    assert_eq!(stored[1]["reply_to"], 1);
}

#[tokio::test]
#[ignore = "needs the AWS emulator: run through scripts/test"]
async fn an_attachment_goes_to_s3_by_presigned_urls_and_leaves_with_its_message() {
    let (adapters, services) = on_aws().await;
    let (_, alice) = sign_up_and_login(&services, "alice", "phone").await;
    let (bob_id, bob) = sign_up_and_login(&services, "bob", "phone").await;
    let (_, created) = invoke(
        group_manage::routes,
        &services,
        "POST",
        "/groups",
        Some(&alice),
        Some(json!({ "kind": "group", "name": "files", "member_ids": [bob_id] })),
    )
    .await;
    let group = created["group"]["id"].as_str().unwrap().to_string();
    let announce = |token: String, body: Value| {
        let (services, group) = (services.clone(), group.clone());
        async move {
            invoke(
                send_message::routes,
                &services,
                "POST",
                &format!("/groups/{group}/attachments"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let (status, grant) = announce(
        alice.clone(),
        json!({ "filename": "report.pdf", "content_type": "application/pdf", "size": 1000 }),
    )
    .await;
    assert_eq!(status, 201, "{grant}");
    let too_big =
        json!({ "filename": "big.pdf", "content_type": "application/pdf", "size": 26_214_401 });
    assert_eq!(announce(alice.clone(), too_big).await.0, 400);
    let wrong_type = json!({ "filename": "a.js", "content_type": "text/javascript", "size": 10 });
    assert_eq!(announce(alice.clone(), wrong_type).await.0, 400);

    let put = |bytes: Vec<u8>| {
        let upload = grant["upload"].clone();
        async move {
            let mut request = reqwest::Client::new().put(upload["url"].as_str().unwrap());
            for (name, value) in upload["headers"].as_object().unwrap() {
                request = request.header(name, value.as_str().unwrap());
            }
            request.body(bytes).send().await.unwrap().status().as_u16()
        }
    };
    let id = grant["attachment"]["id"].as_str().unwrap().to_string();
    let send = |client_msg_id: &'static str| {
        let (services, group, alice, id) =
            (services.clone(), group.clone(), alice.clone(), id.clone());
        async move {
            invoke(
                send_message::routes,
                &services,
                "POST",
                &format!("/groups/{group}/messages"),
                Some(&alice),
                Some(json!({ "text": "the report", "client_msg_id": client_msg_id, "attachments": [id] })),
            )
            .await
        }
    };
    // S3 itself refuses a body that is not the signed length; the emulator does not, so the
    // send's own size check is what shows here.
    assert_eq!(put(vec![7u8; 999]).await, 200);
    assert_eq!(send("m-0").await.0, 400, "not uploaded in full");
    assert_eq!(put(vec![7u8; 1000]).await, 200);
    let (status, sent) = send("m-1").await;
    assert_eq!(status, 201, "{sent}");
    let url = sent["message"]["attachments"][0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let download = reqwest::get(&url).await.unwrap();
    assert_eq!(download.status().as_u16(), 200);
    assert_eq!(download.bytes().await.unwrap().to_vec(), vec![7u8; 1000]);
    assert_eq!(send("m-2").await.0, 400, "in another message already");

    // Bob reads it in history with a link of his own.
    let (_, page) = invoke(
        poll::routes,
        &services,
        "GET",
        &format!("/groups/{group}/messages"),
        Some(&bob),
        None,
    )
    .await;
    let link = page["messages"][0]["attachments"][0]["url"]
        .as_str()
        .unwrap();
    assert_eq!(reqwest::get(link).await.unwrap().status().as_u16(), 200);

    let (status, _) = invoke(
        send_message::routes,
        &services,
        "DELETE",
        &format!("/groups/{group}/messages/1"),
        Some(&alice),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let key = format!("{group}/{id}");
    let head = adapters
        .s3()
        .head_object()
        .bucket(adapters.settings().attachments_bucket.clone().unwrap())
        .key(key)
        .send()
        .await;
    assert!(head.is_err(), "the object is deleted with its message");
    assert_ne!(reqwest::get(&url).await.unwrap().status().as_u16(), 200);
}
