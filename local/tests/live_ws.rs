//! The live channel over real sockets against a chat-local process: tickets, pushes instead
//! of queueing, fallback to the inbox, replacement, typing, presence, logout.

mod common;

use std::time::Duration;

use common::{Server, create_group, drain, error_code, message_events, poll, send};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn ticket(server: &Server, token: &str) -> Value {
    let (status, grant) = server.post("/live/tickets", Some(token), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{grant}");
    grant
}

fn socket_url(grant: &Value) -> String {
    format!(
        "{}?ticket={}",
        grant["url"].as_str().unwrap(),
        grant["ticket"].as_str().unwrap()
    )
}

/// Opens the live channel for a session and waits for the pong that says pushes come here.
async fn connect(server: &Server, token: &str) -> Socket {
    let grant = ticket(server, token).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(socket_url(&grant))
        .await
        .expect("the socket opens");
    socket
        .send(Message::text(r#"{"action":"ping"}"#))
        .await
        .unwrap();
    assert_eq!(next_frame(&mut socket).await, json!({ "type": "pong" }));
    socket
}

/// The next text frame as JSON (within 5 s).
async fn next_frame(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a frame within 5 s")
            .expect("the socket is open")
            .expect("a frame");
        match message {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Nothing arrives for a short while.
async fn assert_quiet(socket: &mut Socket) {
    if let Ok(Some(Ok(Message::Text(text)))) =
        tokio::time::timeout(Duration::from_millis(300), socket.next()).await
    {
        panic!("unexpected frame {text}");
    }
}

/// The close frame the server ends with: its code and reason.
async fn close_of(socket: &mut Socket) -> (u16, String) {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("closed within 5 s");
        match message {
            Some(Ok(Message::Close(Some(frame)))) => {
                return (u16::from(frame.code), frame.reason.to_string());
            }
            Some(Ok(Message::Text(_) | Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

async fn member_online(server: &Server, token: &str, group_id: &str, user_id: &str) -> bool {
    let (status, detail) = server.get(&format!("/groups/{group_id}"), token).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    detail["group"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == user_id)
        .expect("a member")["online"]
        .as_bool()
        .expect("online is a boolean")
}

#[tokio::test]
async fn a_message_is_pushed_to_every_connected_device_and_queued_for_the_others() {
    let server = Server::start();
    let alice = server.sign_up("alice").await;
    let bob = server.sign_up("bob").await;
    let carol = server.sign_up("carol").await;
    let alice_phone = server.login("alice", "phone").await;
    let alice_laptop = server.login("alice", "laptop").await;
    let bob_phone = server.login("bob", "phone").await;
    let bob_tablet = server.login("bob", "tablet").await;
    let carol_phone = server.login("carol", "phone").await;
    let group = create_group(&server, &alice_phone, &[&bob, &carol]).await;
    for token in [
        &alice_phone,
        &alice_laptop,
        &bob_phone,
        &bob_tablet,
        &carol_phone,
    ] {
        drain(&server, token).await;
    }
    let mut alice_phone_live = connect(&server, &alice_phone).await;
    let mut alice_laptop_live = connect(&server, &alice_laptop).await;
    let mut bob_tablet_live = connect(&server, &bob_tablet).await;

    let (status, sent) = send(&server, &bob_phone, &group, "on my way", "b-1").await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let pushed = [
        next_frame(&mut alice_phone_live).await,
        next_frame(&mut alice_laptop_live).await,
        next_frame(&mut bob_tablet_live).await,
    ];
    for event in &pushed {
        assert_eq!(event["type"], "message");
        assert_eq!(event["message"], sent["message"]);
        // One event, one id, on every session it reaches.
        assert_eq!(event["id"], pushed[0]["id"]);
    }
    // Pushed means not queued as well; carol, without a socket, has it in her inbox.
    assert!(message_events(&drain(&server, &alice_phone).await).is_empty());
    assert!(message_events(&drain(&server, &bob_tablet).await).is_empty());
    let carol_events = drain(&server, &carol_phone).await;
    let queued = message_events(&carol_events);
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["id"], pushed[0]["id"]);
    // The sending session itself gets nothing.
    assert!(message_events(&drain(&server, &bob_phone).await).is_empty());
    let _ = alice;
}

#[tokio::test]
async fn edits_deletions_and_reactions_are_pushed_to_connected_devices() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice_phone = server.login("alice", "phone").await;
    let bob_phone = server.login("bob", "phone").await;
    let group = create_group(&server, &alice_phone, &[&bob]).await;
    send(&server, &alice_phone, &group, "helo", "a-1").await;
    drain(&server, &bob_phone).await;
    let mut bob_live = connect(&server, &bob_phone).await;
    let message = format!("/groups/{group}/messages/1");

    let (status, _) = server
        .call(
            reqwest::Method::PATCH,
            &message,
            Some(&alice_phone),
            Some(json!({ "text": "hello" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let edited = next_frame(&mut bob_live).await;
    assert_eq!(edited["type"], "message_edited");
    assert_eq!(edited["message"]["text"], "hello");

    let (status, _) = server
        .call(
            reqwest::Method::PUT,
            &format!("{message}/reactions/🎉"),
            Some(&alice_phone),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let reacted = next_frame(&mut bob_live).await;
    assert_eq!(reacted["type"], "reaction_changed");
    assert_eq!(reacted["reactions"][0]["emoji"], "🎉");

    let (status, _) = server
        .call(reqwest::Method::DELETE, &message, Some(&alice_phone), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let deleted = next_frame(&mut bob_live).await;
    assert_eq!(deleted["type"], "message_deleted");
    assert_eq!(deleted["seq"], 1);
    // Pushed, so not queued as well.
    assert!(drain(&server, &bob_phone).await.is_empty());
}

#[tokio::test]
async fn a_ticket_is_single_use_and_a_forged_or_missing_one_is_401_before_the_upgrade() {
    let server = Server::start();
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let grant = ticket(&server, &token).await;
    assert!(
        grant["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("ws://{}/live", server.addr))
    );
    assert!(grant["expires_at"].as_str().is_some());
    let (socket, _) = tokio_tungstenite::connect_async(socket_url(&grant))
        .await
        .unwrap();
    drop(socket);
    let live = format!("ws://{}/live", server.addr);
    for url in [
        socket_url(&grant),
        format!("{live}?ticket=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        format!("{live}?ticket=not-a-ticket"),
        live.clone(),
    ] {
        match tokio_tungstenite::connect_async(&url).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 401, "{url}");
                let body: Value = serde_json::from_slice(response.body().as_deref().unwrap())
                    .expect("the contract's error document");
                assert_eq!(error_code(&body), "unauthorized");
            }
            other => panic!("{url}: expected 401, got {:?}", other.map(|_| "a socket")),
        }
    }
    // Tickets need a token.
    let (status, _) = server.post("/live/tickets", None, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_second_connection_of_a_session_replaces_the_first_with_4000() {
    let server = Server::start();
    server.sign_up("alice").await;
    let bob = server.sign_up("bob").await;
    let alice = server.login("alice", "phone").await;
    let bob_token = server.login("bob", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    let mut first = connect(&server, &alice).await;
    let mut second = connect(&server, &alice).await;
    assert_eq!(close_of(&mut first).await, (4000, "replaced".to_string()));
    send(&server, &bob_token, &group, "hello", "b-1").await;
    assert_eq!(next_frame(&mut second).await["message"]["text"], "hello");
}

#[tokio::test]
async fn typing_reaches_the_other_members_only_live_and_is_never_stored() {
    let server = Server::start();
    let alice = server.sign_up("alice").await;
    let bob = server.sign_up("bob").await;
    server.sign_up("mallory").await;
    let alice_phone = server.login("alice", "phone").await;
    let alice_laptop = server.login("alice", "laptop").await;
    let bob_phone = server.login("bob", "phone").await;
    let bob_offline = server.login("bob", "tablet").await;
    let mallory = server.login("mallory", "phone").await;
    let group = create_group(&server, &alice_phone, &[&bob]).await;
    drain(&server, &bob_offline).await;
    let mut alice_live = connect(&server, &alice_phone).await;
    let mut alice_laptop_live = connect(&server, &alice_laptop).await;
    let mut bob_live = connect(&server, &bob_phone).await;
    let mut mallory_live = connect(&server, &mallory).await;

    let typing = json!({ "action": "typing", "group_id": group }).to_string();
    alice_live
        .send(Message::text(typing.clone()))
        .await
        .unwrap();
    assert_eq!(
        next_frame(&mut bob_live).await,
        json!({ "type": "typing", "group_id": group, "user_id": alice })
    );
    assert_quiet(&mut alice_laptop_live).await;
    let (events, _) = poll(&server, &bob_offline, 0.0, None).await;
    assert!(events.is_empty(), "typing is never queued: {events:?}");

    // Someone outside the group is told it does not exist, and stays connected.
    mallory_live.send(Message::text(typing)).await.unwrap();
    let refusal = next_frame(&mut mallory_live).await;
    assert_eq!(refusal["type"], "error");
    assert_eq!(refusal["code"], "not_found");
    assert_quiet(&mut bob_live).await;
    for bad in [
        "hello",
        "{}",
        r#"{"action":"dance"}"#,
        r#"{"action":"typing"}"#,
    ] {
        mallory_live.send(Message::text(bad)).await.unwrap();
        let error = next_frame(&mut mallory_live).await;
        assert_eq!(error["type"], "error", "{bad}");
        assert_eq!(error["code"], "invalid_request", "{bad}");
    }
    mallory_live
        .send(Message::text(r#"{"action":"ping"}"#))
        .await
        .unwrap();
    assert_eq!(
        next_frame(&mut mallory_live).await,
        json!({ "type": "pong" })
    );
}

#[tokio::test]
async fn a_socket_that_dies_sends_later_events_to_the_inbox_and_presence_follows() {
    let server = Server::start();
    let alice = server.sign_up("alice").await;
    let bob = server.sign_up("bob").await;
    let alice_phone = server.login("alice", "phone").await;
    let bob_phone = server.login("bob", "phone").await;
    let group = create_group(&server, &alice_phone, &[&bob]).await;
    drain(&server, &alice_phone).await;
    assert!(!member_online(&server, &bob_phone, &group, &alice).await);
    let alice_live = connect(&server, &alice_phone).await;
    assert!(member_online(&server, &bob_phone, &group, &alice).await);

    // The client vanishes without a close frame: the server notices the socket is gone.
    drop(alice_live);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while member_online(&server, &bob_phone, &group, &alice).await {
        assert!(std::time::Instant::now() < deadline, "still online");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    send(&server, &bob_phone, &group, "are you there?", "b-1").await;
    let events = drain(&server, &alice_phone).await;
    let messages = message_events(&events);
    assert_eq!(messages.len(), 1, "{events:?}");
    assert_eq!(messages[0]["message"]["text"], "are you there?");
}

#[tokio::test]
async fn logout_closes_the_sessions_socket_with_4001() {
    let server = Server::start();
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let mut live = connect(&server, &token).await;
    let (status, _) = server
        .call(
            reqwest::Method::DELETE,
            "/sessions/current",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        close_of(&mut live).await,
        (4001, "session ended".to_string())
    );
    // A ticket issued before the logout no longer opens anything.
    let (status, _) = server.post("/live/tickets", Some(&token), json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_ticket_from_a_session_that_ended_is_refused() {
    let server = Server::start();
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let grant = ticket(&server, &token).await;
    server
        .call(
            reqwest::Method::DELETE,
            "/sessions/current",
            Some(&token),
            None,
        )
        .await;
    match tokio_tungstenite::connect_async(socket_url(&grant)).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("expected 401, got {:?}", other.map(|_| "a socket")),
    }
}

#[tokio::test]
async fn a_thousand_concurrent_connections_stay_up_and_each_receives() {
    const USERS: usize = 10;
    const SESSIONS_PER_USER: usize = 100;
    // Beyond the default cap of 20 sessions per user (user0 has one more, the owner).
    let server = Server::start_with(&["--max-sessions-per-user", "101"]);
    let mut ids = Vec::new();
    for n in 0..USERS {
        ids.push(server.sign_up(&format!("user{n}")).await);
    }
    let owner = server.login("user0", "owner").await;
    let others: Vec<&str> = ids[1..].iter().map(String::as_str).collect();
    let group = create_group(&server, &owner, &others).await;
    // Log in and connect in parallel, bounded, to keep the set-up short.
    let sockets: Vec<Socket> = futures_util::stream::iter(0..USERS * SESSIONS_PER_USER)
        .map(|n| {
            let server = &server;
            async move {
                let token = server
                    .login(&format!("user{}", n % USERS), &format!("d{n}"))
                    .await;
                connect(server, &token).await
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert_eq!(sockets.len(), USERS * SESSIONS_PER_USER);
    let (status, sent) = send(&server, &owner, &group, "to everyone", "o-1").await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let received = futures_util::stream::iter(sockets)
        .map(|mut socket| async move { next_frame(&mut socket).await })
        .buffer_unordered(1000)
        .filter(|event| std::future::ready(event["message"]["text"] == "to everyone"))
        .count()
        .await;
    assert_eq!(received, USERS * SESSIONS_PER_USER);
}
