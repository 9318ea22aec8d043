//! What chat-local keeps: across SIGKILL and restart, and never in clear.

mod common;

use std::time::Duration;

use common::{PASSWORD, Server, create_group, drain, message_events, poll, send};
use reqwest::StatusCode;
use serde_json::json;

fn stored_bytes(server: &Server) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(server.data_path()).expect("data folder") {
        let path = entry.expect("entry").path();
        bytes.extend(std::fs::read(&path).unwrap_or_default());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn no_password_or_token_secret_is_stored_or_logged_in_clear() {
    let server = Server::start();
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let (status, _) = server.get("/me", &token).await;
    assert_eq!(status, StatusCode::OK);
    let secret = token.split_once('.').unwrap().1;
    let stored = stored_bytes(&server);
    assert!(
        contains(&stored, "alice"),
        "the check reads the right files"
    );
    assert!(
        contains(&stored, "$argon2id$v=19$m=19456,t=2,p=1$"),
        "passwords are argon2id hashes"
    );
    assert!(!contains(&stored, PASSWORD), "password stored in clear");
    assert!(!contains(&stored, secret), "token secret stored in clear");
    let log = server.log();
    assert!(log.contains("POST"), "the log is the one chat-local writes");
    assert!(
        !log.contains(PASSWORD) && !log.contains(secret),
        "secret in the log:\n{log}"
    );
}

#[tokio::test]
async fn everything_answered_before_a_sigkill_is_there_after_a_restart() {
    let mut server = Server::start();
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let bob_token = server.login("bob", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    drain(&server, &bob_token).await;
    for i in 1..=20 {
        let (status, _) = send(
            &server,
            &alice,
            &group,
            &format!("before the crash {i}"),
            &format!("k{i}"),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    // Bob takes a batch but never acknowledges it: it must come back after the restart.
    let (taken, _) = poll(&server, &bob_token, 0.0, None).await;
    assert_eq!(taken.len(), 10);

    server.restart_after_kill();

    let (status, me) = server.get("/me", &alice).await;
    assert_eq!(status, StatusCode::OK, "sessions survive: {me}");
    let (_, page) = server
        .get(
            &format!("/groups/{group}/messages?after=0&limit=100"),
            &alice,
        )
        .await;
    let seqs: Vec<i64> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
    let (status, body) = server
        .post(
            "/sessions",
            None,
            json!({ "username": "bob", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // The unacknowledged batch is delivered again once its visibility period ends (30 s by
    // default); the ten never taken are there at once.
    let pending = drain(&server, &bob_token).await;
    assert_eq!(message_events(&pending).len(), 10);
    // The retry of a send answered before the crash is recognised after it.
    let (status, again) = send(&server, &alice, &group, "before the crash 20", "k20").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["message"]["seq"], 20);
}

#[tokio::test]
async fn unacknowledged_entries_survive_a_sigkill() {
    let mut server = Server::start_with(&["--visibility-seconds", "1"]);
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let bob_token = server.login("bob", "phone").await;
    let group = create_group(&server, &alice, &[&bob]).await;
    drain(&server, &bob_token).await;
    send(&server, &alice, &group, "deliver me", "d1").await;
    let (taken, _) = poll(&server, &bob_token, 0.0, None).await;
    assert_eq!(taken.len(), 1);
    server.restart_after_kill();
    let (again, ack) = poll(&server, &bob_token, 5.0, None).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["id"], taken[0]["id"]);
    poll(&server, &bob_token, 0.0, ack.as_deref()).await;
    let (none, _) = poll(&server, &bob_token, 1.5, None).await;
    assert!(none.is_empty());
}

#[tokio::test]
async fn ctrl_c_stops_chat_local_promptly_even_with_a_poll_waiting() {
    let mut server = Server::start();
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let client = server.client.clone();
    let url = server.url("/poll");
    let waiting = tokio::spawn(async move {
        client
            .post(url)
            .bearer_auth(alice)
            .json(&json!({ "wait": 20 }))
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        server.interrupt_and_wait(Duration::from_secs(5)),
        "chat-local did not exit cleanly:\n{}",
        server.log()
    );
    let answer = waiting.await.unwrap();
    if let Ok(response) = answer {
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert!(server.log().contains("shutting down"));
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_and_database_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let server = Server::start();
    server.sign_up("alice").await;
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(server.data_path()), 0o700);
    let database = server.data_path().join("chat.db");
    assert_eq!(mode(&database), 0o600);
    let wal = server.data_path().join("chat.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
}
