//! Editing, deleting, replying to and reacting to messages, over HTTP against a chat-local
//! process: each route's success and refusals, the tombstone in history, and the events
//! every member's devices receive by poll (the live channel's are in live_ws.rs).

mod common;

use common::{Server, create_group, drain, error_code, send};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn of_type<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == kind).collect()
}

async fn history(server: &Server, token: &str, group: &str) -> Vec<Value> {
    let (status, page) = server
        .get(&format!("/groups/{group}/messages?after=0"), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["messages"].as_array().unwrap().clone()
}

async fn patch(server: &Server, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    server
        .call(Method::PATCH, path, Some(token), Some(body))
        .await
}

async fn delete(server: &Server, token: &str, path: &str) -> (StatusCode, Value) {
    server.call(Method::DELETE, path, Some(token), None).await
}

async fn put(server: &Server, token: &str, path: &str) -> (StatusCode, Value) {
    server.call(Method::PUT, path, Some(token), None).await
}

#[tokio::test]
async fn only_the_sender_edits_and_every_member_gets_message_edited() {
    let server = Server::start();
    let bob_id = server.sign_up("bob").await;
    server.sign_up("alice").await;
    server.sign_up("carol").await;
    let alice = server.login("alice", "phone").await;
    let alice_laptop = server.login("alice", "laptop").await;
    let bob = server.login("bob", "phone").await;
    let carol = server.login("carol", "phone").await;
    let group = create_group(&server, &alice, &[&bob_id]).await;
    let (_, sent) = send(&server, &alice, &group, "helo", "m-1").await;
    assert_eq!(sent["message"]["edited_at"], Value::Null);
    for token in [&alice, &alice_laptop, &bob] {
        drain(&server, token).await;
    }
    let path = format!("/groups/{group}/messages/1");

    let (status, edited) = patch(&server, &alice, &path, json!({ "text": "hello" })).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["message"]["text"], "hello");
    assert_eq!(edited["message"]["seq"], 1);
    assert!(edited["message"]["edited_at"].is_string());
    for token in [&alice_laptop, &bob] {
        let events = drain(&server, token).await;
        let edits = of_type(&events, "message_edited");
        assert_eq!(edits.len(), 1, "{events:?}");
        assert_eq!(edits[0]["message"]["text"], "hello");
    }
    let stored = history(&server, &bob, &group).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["text"], "hello");
    assert_eq!(stored[0]["edited_at"], edited["message"]["edited_at"]);

    // A retry with the same text: 200, nothing stored, no event.
    let (status, again) = patch(&server, &alice, &path, json!({ "text": "hello" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        again["message"]["edited_at"],
        edited["message"]["edited_at"]
    );
    assert!(drain(&server, &bob).await.is_empty());

    let refusals = [
        (
            &bob,
            path.clone(),
            json!({ "text": "mine now" }),
            StatusCode::FORBIDDEN,
        ),
        (
            &carol,
            path.clone(),
            json!({ "text": "x" }),
            StatusCode::NOT_FOUND,
        ),
        (
            &alice,
            format!("/groups/{group}/messages/9"),
            json!({ "text": "x" }),
            StatusCode::NOT_FOUND,
        ),
        (
            &alice,
            format!("/groups/{group}/messages/abc"),
            json!({ "text": "x" }),
            StatusCode::BAD_REQUEST,
        ),
        (
            &alice,
            format!("/groups/{group}/messages/0"),
            json!({ "text": "x" }),
            StatusCode::BAD_REQUEST,
        ),
        (
            &alice,
            path.clone(),
            json!({ "text": "" }),
            StatusCode::BAD_REQUEST,
        ),
        (
            &alice,
            path.clone(),
            json!({ "words": "x" }),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (token, path, body, expected) in refusals {
        let (status, answer) = patch(&server, token, &path, body.clone()).await;
        assert_eq!(status, expected, "{path} {body}: {answer}");
        assert!(answer["error"]["code"].is_string(), "{answer}");
    }
    assert_eq!(history(&server, &bob, &group).await[0]["text"], "hello");
}

#[tokio::test]
async fn a_deleted_message_stays_as_a_tombstone_and_only_sender_owner_or_admin_delete() {
    let server = Server::start();
    let bob_id = server.sign_up("bob").await;
    let carol_id = server.sign_up("carol").await;
    server.sign_up("alice").await;
    server.create_user_with_role("root", "admin");
    let alice = server.login("alice", "phone").await;
    let bob = server.login("bob", "phone").await;
    let carol = server.login("carol", "phone").await;
    let root = server.login("root", "console").await;
    let group = create_group(&server, &alice, &[&bob_id, &carol_id]).await;
    send(&server, &bob, &group, "one", "b-1").await;
    send(&server, &carol, &group, "two", "c-1").await;
    send(&server, &bob, &group, "three", "b-2").await;
    send(&server, &carol, &group, "four", "c-2").await;
    for token in [&alice, &bob, &carol] {
        drain(&server, token).await;
    }
    let path = |seq: u32| format!("/groups/{group}/messages/{seq}");

    // Another member may not; a non-member is not told the group exists.
    let (status, _) = delete(&server, &carol, &path(1)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let outsider_id = server.sign_up("dave").await;
    assert!(!outsider_id.is_empty());
    let dave = server.login("dave", "phone").await;
    let (status, _) = delete(&server, &dave, &path(1)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = delete(&server, &alice, &path(9)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The sender, the owner, and an admin who is no member.
    for (token, seq) in [(&bob, 1), (&alice, 2), (&root, 3)] {
        let (status, answer) = delete(&server, token, &path(seq)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
    }
    let events = drain(&server, &carol).await;
    let deleted: Vec<i64> = of_type(&events, "message_deleted")
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(deleted, [1, 2, 3]);
    // Deleting again changes nothing and tells nobody.
    let (status, _) = delete(&server, &bob, &path(1)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(drain(&server, &carol).await.is_empty());

    let stored = history(&server, &alice, &group).await;
    let shape: Vec<(i64, bool, &str)> = stored
        .iter()
        .map(|m| {
            (
                m["seq"].as_i64().unwrap(),
                m["deleted"].as_bool().unwrap(),
                m["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            (1, true, ""),
            (2, true, ""),
            (3, true, ""),
            (4, false, "four")
        ],
        "every seq stays"
    );
    let (status, refused) = patch(&server, &bob, &path(1), json!({ "text": "back" })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(error_code(&refused), "conflict");
    let (status, _) = put(&server, &carol, &format!("{}/reactions/👍", path(2))).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn reactions_are_idempotent_capped_and_reach_every_member() {
    let server = Server::start();
    let bob_id = server.sign_up("bob").await;
    server.sign_up("alice").await;
    server.sign_up("carol").await;
    let alice = server.login("alice", "phone").await;
    let bob = server.login("bob", "phone").await;
    let carol = server.login("carol", "phone").await;
    let group = create_group(&server, &alice, &[&bob_id]).await;
    send(&server, &alice, &group, "react to me", "a-1").await;
    drain(&server, &alice).await;
    drain(&server, &bob).await;
    let thumbs = format!("/groups/{group}/messages/1/reactions/👍");

    let (status, answer) = put(&server, &bob, &thumbs).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        answer["message"]["reactions"],
        json!([{ "emoji": "👍", "count": 1, "user_ids": [bob_id] }])
    );
    let (status, again) = put(&server, &bob, &thumbs).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["message"]["reactions"][0]["count"], 1, "idempotent");
    let events = drain(&server, &alice).await;
    let changes = of_type(&events, "reaction_changed");
    assert_eq!(changes.len(), 1, "one change, one event: {events:?}");
    assert_eq!(changes[0]["seq"], 1);
    assert_eq!(changes[0]["reactions"][0]["emoji"], "👍");
    assert_eq!(
        history(&server, &alice, &group).await[0]["reactions"][0]["count"],
        1
    );

    let (status, _) = delete(&server, &bob, &thumbs).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = delete(&server, &bob, &thumbs).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        of_type(&drain(&server, &alice).await, "reaction_changed").len(),
        1
    );
    assert_eq!(
        history(&server, &alice, &group).await[0]["reactions"],
        json!([])
    );

    let base = format!("/groups/{group}/messages/1/reactions");
    for bad in ["abc", "👍👍", "%20", "x👍", "1", "👨‍👩‍👧"] {
        let (status, refused) = put(&server, &bob, &format!("{base}/{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {refused}");
    }
    for good in ["❤️", "👩‍💻", "🇫🇷", "1️⃣"] {
        let (status, answer) = put(&server, &bob, &format!("{base}/{good}")).await;
        assert_eq!(status, StatusCode::OK, "{good}: {answer}");
    }
    let (status, _) = put(&server, &carol, &thumbs).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a member");
    let (status, _) = put(
        &server,
        &bob,
        &format!("/groups/{group}/messages/5/reactions/👍"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no such message");
    // At most 20 different emoji on a message.
    let more = [
        "😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰",
        "😗", "🙂",
    ];
    let mut refused = 0;
    for emoji in more {
        let (status, _) = put(&server, &alice, &format!("{base}/{emoji}")).await;
        if status == StatusCode::CONFLICT {
            refused += 1;
        } else {
            assert_eq!(status, StatusCode::OK);
        }
    }
    assert_eq!(refused, 4 + more.len() - 20, "4 were there; 20 at most");
}

#[tokio::test]
async fn a_reply_names_a_message_of_the_same_group() {
    let server = Server::start();
    let bob_id = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let group = create_group(&server, &alice, &[&bob_id]).await;
    let other = create_group(&server, &alice, &[&bob_id]).await;
    send(&server, &alice, &group, "question", "q-1").await;
    for _ in 0..3 {
        send(
            &server,
            &alice,
            &other,
            "elsewhere",
            &uuid::Uuid::now_v7().to_string(),
        )
        .await;
    }
    let reply = |reply_to: Value, id: &str| json!({ "text": "answer", "client_msg_id": id, "reply_to": reply_to });
    let path = format!("/groups/{group}/messages");
    let (status, answered) = server
        .post(&path, Some(&alice), reply(json!(1), "r-1"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{answered}");
    assert_eq!(answered["message"]["reply_to"], 1);
    assert_eq!(history(&server, &alice, &group).await[1]["reply_to"], 1);
    for (bad, id) in [
        (json!(3), "r-2"),
        (json!(0), "r-3"),
        (json!(-1), "r-4"),
        (json!("1"), "r-5"),
    ] {
        let (status, refused) = server
            .post(&path, Some(&alice), reply(bad.clone(), id))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {refused}");
    }
    assert_eq!(
        history(&server, &alice, &group).await.len(),
        2,
        "nothing stored"
    );
}
