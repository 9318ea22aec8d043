//! Group chat over real HTTP against chat-local: groups, sending, polling, history, read marks.

mod common;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use common::{Server, create_group, drain, error_code, message_events, poll, send};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn a_message_reaches_every_device_of_every_member_and_a_waiting_poll_returns_at_once() {
    let server = Server::start();
    let _alice = server.sign_up("alice").await;
    let bob = server.sign_up("bob").await;
    let alice_phone = server.login("alice", "phone").await;
    let alice_laptop = server.login("alice", "laptop").await;
    let bob_phone = server.login("bob", "phone").await;
    let group = create_group(&server, &alice_phone, &[&bob]).await;
    // One group_created event, naming everyone, reaches every device.
    for token in [&alice_phone, &alice_laptop, &bob_phone] {
        let events = drain(&server, token).await;
        let created: Vec<&Value> = events
            .iter()
            .filter(|e| e["type"] == "group_created")
            .collect();
        assert_eq!(created.len(), 1, "{events:?}");
        assert_eq!(created[0]["group"]["id"], group.as_str());
        assert!(
            created[0]["member_ids"]
                .as_array()
                .unwrap()
                .contains(&json!(bob))
        );
    }

    let waiting: Vec<_> = [alice_phone.clone(), alice_laptop.clone()]
        .into_iter()
        .map(|token| {
            let server_url = server.url("/poll");
            let client = server.client.clone();
            tokio::spawn(async move {
                let response = client
                    .post(server_url)
                    .bearer_auth(token)
                    .json(&json!({ "wait": 20 }))
                    .send()
                    .await
                    .unwrap();
                let returned_at = Instant::now();
                (response.json::<Value>().await.unwrap(), returned_at)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent_at = Instant::now();
    let (status, sent) = send(&server, &bob_phone, &group, "hello alice", "m-1").await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    for handle in waiting {
        let (answer, returned_at) = handle.await.unwrap();
        let latency = returned_at.saturating_duration_since(sent_at);
        println!("waiting poll returned {latency:?} after the send");
        assert!(
            latency < Duration::from_secs(2),
            "the poll waited for its timeout: {latency:?}"
        );
        let events = answer["events"].as_array().unwrap();
        assert_eq!(events.len(), 1, "{answer}");
        let event = &events[0];
        assert_eq!(event["type"], "message");
        assert_eq!(event["group_id"], group.as_str());
        assert_eq!(event["id"], sent["message"]["id"]);
        assert_eq!(event["message"]["text"], "hello alice");
        assert_eq!(event["message"]["seq"], 1);
        assert!(answer["ack"].is_string());
    }
    // The sender's own session is skipped; its other devices are not.
    assert!(drain(&server, &bob_phone).await.is_empty());
    let bob_laptop = server.login("bob", "laptop").await;
    send(&server, &bob_phone, &group, "from my phone", "m-2").await;
    let on_laptop = drain(&server, &bob_laptop).await;
    assert_eq!(message_events(&on_laptop).len(), 1);
    assert!(drain(&server, &bob_phone).await.is_empty());
}

#[tokio::test]
async fn an_offline_device_catches_up_on_50_messages_from_4_concurrent_senders() {
    let server = Server::start();
    server.sign_up("alice").await;
    let alice_offline = server.login("alice", "phone").await;
    let mut sender_ids = Vec::new();
    let mut sender_tokens = Vec::new();
    for n in 0..4 {
        let name = format!("sender{n}");
        sender_ids.push(server.sign_up(&name).await);
        sender_tokens.push(server.login(&name, "phone").await);
    }
    let ids: Vec<&str> = sender_ids.iter().map(String::as_str).collect();
    let group = create_group(&server, &alice_offline, &ids).await;
    drain(&server, &alice_offline).await;

    let sends = sender_tokens.iter().enumerate().map(|(n, token)| {
        let (server, group) = (&server, &group);
        async move {
            let count = if n < 2 { 13 } else { 12 };
            for i in 0..count {
                let (status, body) = send(
                    server,
                    token,
                    group,
                    &format!("s{n} #{i}"),
                    &format!("s{n}-{i}"),
                )
                .await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
            }
        }
    });
    futures_util::future::join_all(sends).await;

    let events = drain(&server, &alice_offline).await;
    let mut seen = HashSet::new();
    let messages: Vec<&Value> = message_events(&events)
        .into_iter()
        .filter(|e| seen.insert(e["id"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(messages.len(), 50);
    let mut seqs: Vec<i64> = messages
        .iter()
        .map(|e| e["message"]["seq"].as_i64().unwrap())
        .collect();
    seqs.sort();
    assert_eq!(seqs, (1..=50).collect::<Vec<_>>());

    let (status, page) = server
        .get(
            &format!("/groups/{group}/messages?after=0&limit=100"),
            &alice_offline,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let history: Vec<i64> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(history, (1..=50).collect::<Vec<_>>());
    assert_eq!(page["has_more"], false);

    // A new device finds the group, its unread count and its history.
    let alice_new = server.login("alice", "new-tablet").await;
    let (_, groups) = server.get("/groups", &alice_new).await;
    let summary = &groups["groups"].as_array().unwrap()[0];
    assert_eq!(summary["id"], group.as_str());
    assert_eq!(summary["last_seq"], 50);
    assert_eq!(summary["read_seq"], 0);
    assert_eq!(summary["unread"], 50);
    assert_eq!(summary["my_role"], "owner");
    let (_, newest) = server
        .get(&format!("/groups/{group}/messages"), &alice_new)
        .await;
    assert_eq!(newest["messages"].as_array().unwrap().len(), 50);
}

#[tokio::test]
async fn ten_concurrent_sends_with_one_client_msg_id_store_one_message() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    let attempts = (0..10).map(|_| send(&server, &alice, &group, "only once", "same-id"));
    let answers = futures_util::future::join_all(attempts).await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let replayed = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!((created, replayed), (1, 9), "{answers:?}");
    let ids: HashSet<&str> = answers
        .iter()
        .map(|(_, b)| b["message"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1);
    let (_, page) = server
        .get(&format!("/groups/{group}/messages"), &alice)
        .await;
    assert_eq!(page["messages"].as_array().unwrap().len(), 1);
    // The same id from another sender is another message.
    let bob_token = server.login("bob", "phone").await;
    let (status, _) = send(&server, &bob_token, &group, "mine", "same-id").await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_retried_group_creation_with_one_idempotency_key_makes_one_group() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    let carol = server.sign_up("carol").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let body = json!({
        "kind": "group", "name": "trip", "member_ids": [bob, carol], "idempotency_key": "trip-1"
    });
    let attempts = (0..5).map(|_| server.post("/groups", Some(&alice), body.clone()));
    let answers = futures_util::future::join_all(attempts).await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let replayed = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!((created, replayed), (1, 4), "{answers:?}");
    let ids: HashSet<&str> = answers
        .iter()
        .map(|(_, b)| b["group"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1);
    let group = ids.into_iter().next().unwrap().to_string();
    let (_, listed) = server.get("/groups", &alice).await;
    assert_eq!(listed["groups"].as_array().unwrap().len(), 1);
    // A retry after a member left answers with the group as it is now, and leaves it so.
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members/{carol}"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, replay) = server.post("/groups", Some(&alice), body.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(replay["group"]["id"], group.as_str());
    assert_eq!(replay["group"]["members"].as_array().unwrap().len(), 2);
    // The key with another body is refused; another user's key of the same name is theirs.
    let (status, refused) = server
        .post(
            "/groups",
            Some(&alice),
            json!({ "kind": "group", "name": "other", "member_ids": [bob], "idempotency_key": "trip-1" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let bob_token = server.login("bob", "phone").await;
    let (status, theirs) = server
        .post(
            "/groups",
            Some(&bob_token),
            json!({ "kind": "group", "name": "trip", "member_ids": [carol], "idempotency_key": "trip-1" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(theirs["group"]["id"], group.as_str());
    for bad_key in ["", &"k".repeat(129)] {
        let (status, refused) = server
            .post(
                "/groups",
                Some(&alice),
                json!({ "kind": "group", "member_ids": [bob], "idempotency_key": bad_key }),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert_eq!(error_code(&refused), "invalid_request");
    }
}

#[tokio::test]
async fn non_members_get_404_on_every_group_route() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    server.sign_up("eve").await;
    let alice = server.login("alice", "phone").await;
    let eve = server.login("eve", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    send(&server, &alice, &group, "secret", "c1").await;
    let unknown = uuid::Uuid::now_v7().to_string();
    for id in [group.as_str(), unknown.as_str()] {
        let requests = [
            (Method::GET, format!("/groups/{id}"), None),
            (
                Method::PATCH,
                format!("/groups/{id}"),
                Some(json!({ "name": "mine" })),
            ),
            (
                Method::POST,
                format!("/groups/{id}/members"),
                Some(json!({ "user_id": bob })),
            ),
            (Method::DELETE, format!("/groups/{id}/members/{bob}"), None),
            (
                Method::POST,
                format!("/groups/{id}/messages"),
                Some(json!({ "text": "hi", "client_msg_id": "e1" })),
            ),
            (Method::GET, format!("/groups/{id}/messages"), None),
            (
                Method::PUT,
                format!("/groups/{id}/read"),
                Some(json!({ "seq": 1 })),
            ),
        ];
        for (method, path, body) in requests {
            let (status, answer) = server.call(method.clone(), &path, Some(&eve), body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {answer}");
            assert_eq!(error_code(&answer), "not_found");
        }
    }
    let (_, groups) = server.get("/groups", &eve).await;
    assert_eq!(groups["groups"], json!([]));
    // Nothing eve tried changed the group.
    let (_, detail) = server.get(&format!("/groups/{group}"), &alice).await;
    assert_eq!(detail["group"]["name"], "team");
    assert_eq!(detail["group"]["members"].as_array().unwrap().len(), 2);
    assert_eq!(detail["group"]["last_seq"], 1);
}

#[tokio::test]
async fn only_the_owner_or_an_admin_adds_or_removes_others() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    let carol = server.sign_up("carol").await;
    let dave = server.sign_up("dave").await;
    server.sign_up("alice").await;
    server.create_user_with_role("root", "admin");
    let admin = server.login("root", "console").await;
    let alice = server.login("alice", "phone").await;
    let bob_token = server.login("bob", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;

    let (status, _) = server
        .post(
            &format!("/groups/{group}/members"),
            Some(&bob_token),
            json!({ "user_id": carol }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/groups/{group}"),
            Some(&bob_token),
            Some(json!({ "name": "bob's" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let alice_id = server.get("/me", &alice).await.1["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members/{alice_id}"),
            Some(&bob_token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) = server
        .post(
            &format!("/groups/{group}/members"),
            Some(&alice),
            json!({ "user_id": carol }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["member"]["role"], "member");
    let (status, _) = server
        .post(
            &format!("/groups/{group}/members"),
            Some(&alice),
            json!({ "user_id": carol }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = server
        .post(
            &format!("/groups/{group}/members"),
            Some(&admin),
            json!({ "user_id": dave, "role": "owner" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = server
        .call(
            Method::PATCH,
            &format!("/groups/{group}"),
            Some(&alice),
            Some(json!({ "name": " renamed " })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["group"]["name"], "renamed");
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members/{dave}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Leaving needs nobody's permission.
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members/{bob}"),
            Some(&bob_token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members/{bob}"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, detail) = server.get(&format!("/groups/{group}"), &alice).await;
    let members: HashMap<String, String> = detail["group"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user_id"].as_str().unwrap().to_string(),
                m["role"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(members.len(), 2);
    assert_eq!(members[&alice_id], "owner");
    assert_eq!(members[&carol], "member");

    // The owner leaving hands the group to the longest-standing member.
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members/{alice_id}"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let carol_token = server.login("carol", "phone").await;
    let (_, detail) = server.get(&format!("/groups/{group}"), &carol_token).await;
    assert_eq!(detail["group"]["members"][0]["role"], "owner");
}

#[tokio::test]
async fn a_removed_member_gets_its_own_member_removed_and_then_nothing_more() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    let carol = server.sign_up("carol").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let bob_token = server.login("bob", "phone").await;
    let group = create_group(&server, &alice, &[&bob, &carol]).await;
    drain(&server, &bob_token).await;

    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members/{bob}"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    send(
        &server,
        &alice,
        &group,
        "bob cannot read this",
        "after-removal",
    )
    .await;
    let events = drain(&server, &bob_token).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "member_removed");
    assert_eq!(events[0]["user_id"], bob.as_str());
    let (polled, _) = poll(&server, &bob_token, 1.0, None).await;
    assert!(polled.is_empty());
    for path in [
        format!("/groups/{group}"),
        format!("/groups/{group}/messages"),
    ] {
        let (status, _) = server.get(&path, &bob_token).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = send(&server, &bob_token, &group, "let me back", "b1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, groups) = server.get("/groups", &bob_token).await;
    assert_eq!(groups["groups"], json!([]));
}

#[tokio::test]
async fn direct_chats_have_two_members_and_one_per_pair() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    let carol = server.sign_up("carol").await;
    let alice_id = server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let bob_token = server.login("bob", "phone").await;
    let (status, first) = server
        .post(
            "/groups",
            Some(&alice),
            json!({ "kind": "direct", "member_ids": [bob] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["group"]["kind"], "direct");
    assert_eq!(first["group"]["members"].as_array().unwrap().len(), 2);
    // From the other side, the same chat.
    let (status, again) = server
        .post(
            "/groups",
            Some(&bob_token),
            json!({ "kind": "direct", "member_ids": [alice_id] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["group"]["id"], first["group"]["id"]);
    let id = first["group"]["id"].as_str().unwrap();
    let (status, body) = server
        .post(
            "/groups",
            Some(&alice),
            json!({ "kind": "direct", "member_ids": [bob, carol] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = server
        .post(
            "/groups",
            Some(&alice),
            json!({ "kind": "direct", "member_ids": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server
        .post(
            &format!("/groups/{id}/members"),
            Some(&alice),
            json!({ "user_id": carol }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/groups/{id}"),
            Some(&alice),
            Some(json!({ "name": "us" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn group_routes_return_400_for_bad_input_and_413_for_big_bodies() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    let messages = format!("/groups/{group}/messages");
    let bad_sends = [
        json!({ "text": "", "client_msg_id": "a" }),
        json!({ "text": "x".repeat(16_385), "client_msg_id": "a" }),
        json!({ "text": "hi" }),
        json!({ "text": "hi", "client_msg_id": "" }),
        json!({ "text": "hi", "client_msg_id": "c".repeat(65) }),
        json!({ "text": 7, "client_msg_id": "a" }),
        // Characters a queue cannot carry: stored, the message would never be delivered.
        json!({ "text": "ding\u{7}", "client_msg_id": "a" }),
        json!({ "text": "\u{FFFF}", "client_msg_id": "a" }),
        json!({ "text": "nul\u{0}", "client_msg_id": "a" }),
    ];
    for body in bad_sends {
        let (status, answer) = server.post(&messages, Some(&alice), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {answer}");
        assert_eq!(error_code(&answer), "invalid_request");
    }
    let (status, _) = send(&server, &alice, &group, &"x".repeat(16_384), "max").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = send(&server, &alice, "not-a-uuid", "hi", "a").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = server
        .post(
            &messages,
            Some(&alice),
            json!({ "text": "y".repeat(70_000), "client_msg_id": "big" }),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    let bad_creates = [
        json!({ "kind": "group", "member_ids": [] }),
        json!({ "kind": "circle", "member_ids": [bob] }),
        json!({ "kind": "group", "member_ids": ["nope"] }),
        json!({ "kind": "group", "name": "", "member_ids": [bob] }),
        json!({ "kind": "group" }),
    ];
    for body in bad_creates {
        let (status, answer) = server.post("/groups", Some(&alice), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {answer}");
    }
    let (status, _) = server
        .post(
            "/groups",
            Some(&alice),
            json!({ "kind": "group", "member_ids": [uuid::Uuid::now_v7()] }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for query in [
        "limit=0",
        "limit=101",
        "after=-1",
        "after=abc",
        "before=1.5",
    ] {
        let (status, _) = server.get(&format!("{messages}?{query}"), &alice).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
    }
    let read = format!("/groups/{group}/read");
    for body in [json!({}), json!({ "seq": -1 }), json!({ "seq": "one" })] {
        let (status, _) = server
            .call(Method::PUT, &read, Some(&alice), Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    for body in [
        json!({ "wait": 21 }),
        json!({ "wait": -1 }),
        json!({ "ack": "garbage!" }),
        json!({ "wait": "soon" }),
        // An ack of 11 receipts: a poll hands out at most 10.
        json!({ "wait": 0, "ack": "WyI5OTk5OTk6MDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiIiwiOTk5OTk5OjAwMTEyMjMzNDQ1NTY2Nzc4ODk5YWFiYiIsIjk5OTk5OTowMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmIiLCI5OTk5OTk6MDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiIiwiOTk5OTk5OjAwMTEyMjMzNDQ1NTY2Nzc4ODk5YWFiYiIsIjk5OTk5OTowMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmIiLCI5OTk5OTk6MDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiIiwiOTk5OTk5OjAwMTEyMjMzNDQ1NTY2Nzc4ODk5YWFiYiIsIjk5OTk5OTowMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmIiLCI5OTk5OTk6MDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiIiwiOTk5OTk5OjAwMTEyMjMzNDQ1NTY2Nzc4ODk5YWFiYiJd" }),
    ] {
        let (status, _) = server.post("/poll", Some(&alice), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    // 10 stale receipts are as harmless as one.
    let (status, body) = server
        .post(
            "/poll",
            Some(&alice),
            json!({ "wait": 0, "ack": "WyI5OTk5OTk6MDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiIiwiOTk5OTk5OjAwMTEyMjMzNDQ1NTY2Nzc4ODk5YWFiYiIsIjk5OTk5OTowMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmIiLCI5OTk5OTk6MDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiIiwiOTk5OTk5OjAwMTEyMjMzNDQ1NTY2Nzc4ODk5YWFiYiIsIjk5OTk5OTowMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmIiLCI5OTk5OTk6MDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiIiwiOTk5OTk5OjAwMTEyMjMzNDQ1NTY2Nzc4ODk5YWFiYiIsIjk5OTk5OTowMDExMjIzMzQ0NTU2Njc3ODg5OWFhYmIiLCI5OTk5OTk6MDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiIl0" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = server
        .call(Method::POST, "/poll", None, Some(json!({})))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // No body at all means the defaults; wait 0 keeps the test quick.
    let (status, _) = server
        .post("/poll", Some(&alice), json!({ "wait": 0 }))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unacknowledged_events_come_back_after_the_visibility_period_and_acknowledged_ones_never() {
    let server = Server::start_with(&["--visibility-seconds", "1"]);
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let bob_token = server.login("bob", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    drain(&server, &bob_token).await;
    send(&server, &alice, &group, "are you there?", "q1").await;

    let (first, _lost_ack) = poll(&server, &bob_token, 5.0, None).await;
    assert_eq!(first.len(), 1);
    // The response was "lost": nothing acknowledged. Hidden for now, back after ~1 s.
    let (hidden, _) = poll(&server, &bob_token, 0.0, None).await;
    assert!(hidden.is_empty());
    let started = Instant::now();
    let (again, ack) = poll(&server, &bob_token, 5.0, None).await;
    assert_eq!(again.len(), 1, "redelivered after the visibility period");
    assert_eq!(again[0]["id"], first[0]["id"]);
    assert!(started.elapsed() < Duration::from_secs(4));
    let (after_ack, next) = poll(&server, &bob_token, 2.0, ack.as_deref()).await;
    assert!(after_ack.is_empty() && next.is_none());
    let (status, body) = server
        .post("/poll", Some(&bob_token), json!({ "wait": 0, "ack": ack }))
        .await;
    assert_eq!(status, StatusCode::OK, "a stale ack is harmless: {body}");
}

#[tokio::test]
async fn read_marks_only_move_forward_and_drive_the_unread_count() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let bob_token = server.login("bob", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    for i in 0..3 {
        send(&server, &bob_token, &group, "ping", &format!("p{i}")).await;
    }
    let unread = |groups: &Value| groups["groups"][0]["unread"].as_u64().unwrap();
    assert_eq!(unread(&server.get("/groups", &alice).await.1), 3);
    let read = format!("/groups/{group}/read");
    let (status, body) = server
        .call(Method::PUT, &read, Some(&alice), Some(json!({ "seq": 2 })))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["read_seq"], 2);
    assert_eq!(unread(&server.get("/groups", &alice).await.1), 1);
    let (_, body) = server
        .call(Method::PUT, &read, Some(&alice), Some(json!({ "seq": 1 })))
        .await;
    assert_eq!(body["read_seq"], 2, "never moves back");
    // Sending marks everything up to one's own message read.
    send(
        &server,
        &alice,
        &group,
        "my own message is never unread",
        "a1",
    )
    .await;
    let (_, groups) = server.get("/groups", &alice).await;
    assert_eq!(
        (unread(&groups), groups["groups"][0]["read_seq"].as_i64()),
        (0, Some(4))
    );
    assert_eq!(unread(&server.get("/groups", &bob_token).await.1), 1);
    send(&server, &bob_token, &group, "pong", "p3").await;
    let (_, body) = server
        .call(Method::PUT, &read, Some(&alice), Some(json!({ "seq": 99 })))
        .await;
    assert_eq!(body["read_seq"], 5, "never past the newest message");
    assert_eq!(unread(&server.get("/groups", &alice).await.1), 0);
    assert_eq!(unread(&server.get("/groups", &bob_token).await.1), 0);
}

#[tokio::test]
async fn history_pages_forward_with_after_and_backward_with_before() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    for i in 1..=7 {
        send(&server, &alice, &group, &format!("n{i}"), &format!("c{i}")).await;
    }
    let page = |query: &'static str| {
        let (server, alice, group) = (&server, &alice, &group);
        async move {
            let (status, body) = server
                .get(&format!("/groups/{group}/messages?{query}"), alice)
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let seqs: Vec<i64> = body["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["seq"].as_i64().unwrap())
                .collect();
            (seqs, body["has_more"].as_bool().unwrap())
        }
    };
    assert_eq!(page("limit=3").await, (vec![5, 6, 7], true));
    assert_eq!(page("before=5&limit=3").await, (vec![2, 3, 4], true));
    assert_eq!(page("before=2").await, (vec![1], false));
    assert_eq!(page("after=0&limit=3").await, (vec![1, 2, 3], true));
    assert_eq!(page("after=6").await, (vec![7], false));
    assert_eq!(page("after=2&before=5").await, (vec![3, 4], false));
    assert_eq!(page("after=7").await, (vec![], false));
}

#[tokio::test]
async fn membership_changes_are_events_to_the_members() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    let carol = server.sign_up("carol").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let bob_token = server.login("bob", "phone").await;
    let carol_token = server.login("carol", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    drain(&server, &bob_token).await;
    server
        .post(
            &format!("/groups/{group}/members"),
            Some(&alice),
            json!({ "user_id": carol }),
        )
        .await;
    server
        .call(
            Method::PATCH,
            &format!("/groups/{group}"),
            Some(&alice),
            Some(json!({ "name": "new name" })),
        )
        .await;
    for token in [&bob_token, &carol_token] {
        let events = drain(&server, token).await;
        let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["member_added", "group_updated"], "{events:?}");
        assert_eq!(events[0]["user_id"], carol.as_str());
        assert_eq!(events[1]["group"]["name"], "new name");
        assert!(events.iter().all(|e| e["group_id"] == group.as_str()
            && e["at"].is_string()
            && e["id"].is_string()));
    }
}

#[tokio::test]
async fn the_group_list_pages_each_group_once_and_counts_unread_from_the_read_mark() {
    let server = Server::start();
    let bob_id = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let bob = server.login("bob", "phone").await;
    let mut made = Vec::new();
    for _ in 0..5 {
        made.push(create_group(&server, &alice, &[&bob_id]).await);
    }
    for limit in [1, 2, 5, 50] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/groups?limit={limit}&cursor={c}"),
                None => format!("/groups?limit={limit}"),
            };
            let (status, body) = server.get(&path, &alice).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let groups = body["groups"].as_array().unwrap();
            assert!(groups.len() <= limit);
            seen.extend(groups.iter().map(|g| g["id"].as_str().unwrap().to_string()));
            match body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        let mut newest_first = made.clone();
        newest_first.reverse();
        assert_eq!(seen, newest_first, "limit {limit}");
    }
    for bad in [
        "limit=0",
        "limit=201",
        "limit=ten",
        "cursor=not-a-cursor!",
        "cursor=Zm9v",
    ] {
        let (status, body) = server.get(&format!("/groups?{bad}"), &alice).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(error_code(&body), "invalid_request");
    }

    // Unread: what others sent after the mark; a send of one's own marks the chat read.
    let group = &made[0];
    send(&server, &bob, group, "one", "b1").await;
    send(&server, &bob, group, "two", "b2").await;
    let unread = |body: &Value| {
        body["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == group.as_str())
            .map(|g| {
                (
                    g["unread"].as_u64().unwrap(),
                    g["read_seq"].as_i64().unwrap(),
                )
            })
            .unwrap()
    };
    let (_, body) = server.get("/groups", &alice).await;
    assert_eq!(unread(&body), (2, 0));
    let (_, body) = server.get("/groups", &bob).await;
    assert_eq!(unread(&body), (0, 2), "bob read what he sent");
    send(&server, &alice, group, "three", "a1").await;
    let (_, body) = server.get("/groups", &alice).await;
    assert_eq!(unread(&body), (0, 3));
    let (_, body) = server.get("/groups", &bob).await;
    assert_eq!(unread(&body), (1, 2));
}

#[tokio::test]
async fn a_blocked_user_cannot_add_the_blocker_to_a_group_open_a_chat_or_message_it() {
    let server = Server::start();
    let alice_id = server.sign_up("alice").await;
    let mallory_id = server.sign_up("mallory").await;
    let carol_id = server.sign_up("carol").await;
    let alice = server.login("alice", "phone").await;
    let mallory = server.login("mallory", "phone").await;
    // A direct chat from before the block, and a group mallory owns without alice.
    let (_, before) = server
        .post(
            "/groups",
            Some(&mallory),
            json!({ "kind": "direct", "member_ids": [alice_id] }),
        )
        .await;
    let direct = before["group"]["id"].as_str().unwrap().to_string();
    let mallorys_group = create_group(&server, &mallory, &[&carol_id]).await;

    let block = format!("/blocks/{mallory_id}");
    for _ in 0..2 {
        let (status, body) = server.call(Method::PUT, &block, Some(&alice), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "idempotent: {body}");
    }
    let (status, body) = server.get("/blocks", &alice).await;
    assert_eq!(status, StatusCode::OK);
    let blocked: Vec<&str> = body["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(blocked, ["mallory"]);

    let refusals = [
        server
            .post(
                "/groups",
                Some(&mallory),
                json!({ "kind": "group", "name": "trap", "member_ids": [carol_id, alice_id] }),
            )
            .await,
        server
            .post(
                "/groups",
                Some(&mallory),
                json!({ "kind": "direct", "member_ids": [alice_id] }),
            )
            .await,
        server
            .post(
                &format!("/groups/{mallorys_group}/members"),
                Some(&mallory),
                json!({ "user_id": alice_id }),
            )
            .await,
        send(&server, &mallory, &direct, "are you there?", "m-1").await,
    ];
    for (status, body) in &refusals {
        assert_eq!(*status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(body), "forbidden");
        assert!(!body.to_string().contains("block"), "neutral: {body}");
    }
    // Nothing of that reached alice: no new group, no message.
    let (_, groups) = server.get("/groups", &alice).await;
    assert_eq!(groups["groups"].as_array().unwrap().len(), 1, "{groups}");
    // alice still reaches mallory's chat, and others still reach both.
    let (status, _) = send(&server, &alice, &direct, "stop it", "a-1").await;
    assert_eq!(status, StatusCode::CREATED);
    let carol = server.login("carol", "phone").await;
    let (status, _) = server
        .post(
            "/groups",
            Some(&carol),
            json!({ "kind": "group", "name": "ok", "member_ids": [alice_id, mallory_id] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    for (path, expected) in [
        (format!("/blocks/{alice_id}"), StatusCode::BAD_REQUEST),
        ("/blocks/not-an-id".to_string(), StatusCode::BAD_REQUEST),
        (
            format!("/blocks/{}", uuid::Uuid::now_v7()),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (status, body) = server.call(Method::PUT, &path, Some(&alice), None).await;
        assert_eq!(status, expected, "{path}: {body}");
    }
    assert_eq!(
        server.call(Method::GET, "/blocks", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Unblocked: everything works again.
    for _ in 0..2 {
        let (status, _) = server
            .call(Method::DELETE, &block, Some(&alice), None)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    assert!(
        server.get("/blocks", &alice).await.1["blocks"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (status, _) = send(&server, &mallory, &direct, "sorry", "m-2").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = server
        .post(
            &format!("/groups/{mallorys_group}/members"),
            Some(&mallory),
            json!({ "user_id": alice_id }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_hidden_chat_leaves_the_list_until_a_newer_message_and_anyone_can_leave_a_group() {
    let server = Server::start();
    let bob_id = server.sign_up("bob").await;
    let alice_id = server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let bob = server.login("bob", "phone").await;
    let (_, chat) = server
        .post(
            "/groups",
            Some(&alice),
            json!({ "kind": "direct", "member_ids": [bob_id] }),
        )
        .await;
    let chat = chat["group"]["id"].as_str().unwrap().to_string();
    send(&server, &bob, &chat, "hi", "b-1").await;
    let listed = |body: &Value| -> Vec<String> {
        body["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["id"].as_str().unwrap().to_string())
            .collect()
    };
    let hidden = format!("/groups/{chat}/hidden");
    let (status, _) = server.call(Method::PUT, &hidden, Some(&alice), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(listed(&server.get("/groups", &alice).await.1).is_empty());
    assert_eq!(
        listed(&server.get("/groups", &bob).await.1),
        std::slice::from_ref(&chat),
        "only for alice"
    );
    // Still a member: history is there.
    let (status, _) = server
        .get(&format!("/groups/{chat}/messages"), &alice)
        .await;
    assert_eq!(status, StatusCode::OK);
    // A newer message brings it back.
    send(&server, &bob, &chat, "still there?", "b-2").await;
    assert_eq!(
        listed(&server.get("/groups", &alice).await.1),
        std::slice::from_ref(&chat)
    );
    // Hidden again, then shown by hand, or by opening the chat again.
    server.call(Method::PUT, &hidden, Some(&alice), None).await;
    let (status, _) = server
        .call(Method::DELETE, &hidden, Some(&alice), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        listed(&server.get("/groups", &alice).await.1),
        std::slice::from_ref(&chat)
    );
    server.call(Method::PUT, &hidden, Some(&alice), None).await;
    let (status, _) = server
        .post(
            "/groups",
            Some(&alice),
            json!({ "kind": "direct", "member_ids": [bob_id] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        listed(&server.get("/groups", &alice).await.1),
        std::slice::from_ref(&chat)
    );
    // Not a member, not a group, not an id.
    let carol_id = server.sign_up("carol").await;
    let carol = server.login("carol", "phone").await;
    for (path, expected) in [
        (hidden.clone(), StatusCode::NOT_FOUND),
        (
            format!("/groups/{}/hidden", uuid::Uuid::now_v7()),
            StatusCode::NOT_FOUND,
        ),
        ("/groups/nope/hidden".to_string(), StatusCode::BAD_REQUEST),
    ] {
        let (status, _) = server.call(Method::PUT, &path, Some(&carol), None).await;
        assert_eq!(status, expected, "{path}");
    }
    // Any member may leave a group (not a direct chat: that is hidden instead).
    let group = create_group(&server, &alice, &[&bob_id, &carol_id]).await;
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members/{bob_id}"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!listed(&server.get("/groups", &bob).await.1).contains(&group));
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{chat}/members/{alice_id}"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}
