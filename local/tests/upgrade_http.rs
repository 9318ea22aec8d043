//! Upgrades: a data folder written by the previous version of chat-local (before the schema
//! was versioned; `tests/fixtures/storage-v0`, made with that build through its HTTP API) is
//! migrated when opened, and every user, message and balance is still there.

mod common;

use std::path::Path;

use common::Server;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/storage-v0");

async fn login(server: &Server, username: &str) -> String {
    let (status, body) = server
        .post(
            "/sessions",
            None,
            json!({ "username": username, "password": format!("{username}-password-123") }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{username}: {body}");
    body["token"].as_str().unwrap().to_string()
}

fn texts(history: &Value) -> Vec<&str> {
    history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_data_folder_from_the_previous_version_keeps_every_user_message_and_balance() {
    let server = Server::start_on_copy_of(Path::new(FIXTURE));
    // Every account logs in with its password, with its role.
    let alice = login(&server, "alice").await;
    let bob = login(&server, "bob").await;
    let carol = login(&server, "carol").await;
    let root = login(&server, "root").await;
    let (_, me) = server.get("/me", &root).await;
    assert_eq!(me["user"]["role"], "admin");
    let (_, me) = server.get("/me", &carol).await;
    assert_eq!(me["user"]["role"], "provider");
    assert_eq!(me["user"]["display_name"], "Carol Provider");

    // The group and its three messages, seen by a member.
    let (status, groups) = server.get("/groups", &bob).await;
    assert_eq!(status, StatusCode::OK, "{groups}");
    let group = &groups["groups"][0];
    assert_eq!(group["name"], "book club");
    assert_eq!(group["last_seq"], 3);
    assert_eq!(group["unread"], 3);
    let group_id = group["id"].as_str().unwrap();
    let (_, history) = server
        .get(&format!("/groups/{group_id}/messages"), &bob)
        .await;
    assert_eq!(
        texts(&history),
        [
            "message 1 before the upgrade",
            "message 2 before the upgrade",
            "message 3 before the upgrade"
        ]
    );

    // Balances and the ledger: 1000 credited, 250 charged by carol.
    let (_, wallet) = server.get("/wallet", &alice).await;
    assert_eq!(
        wallet["balances"],
        json!([{ "currency": "EUR", "amount": 750 }])
    );
    let (_, wallet) = server.get("/wallet", &carol).await;
    assert_eq!(
        wallet["balances"],
        json!([{ "currency": "EUR", "amount": 250 }])
    );
    let (_, charges) = server.get("/charges", &alice).await;
    assert_eq!(charges["charges"].as_array().unwrap().len(), 1);

    // The migrated folder takes new writes: the next message gets the next seq, and the
    // charge's idempotency key from before the upgrade still answers the original.
    let (status, sent) = server
        .post(
            &format!("/groups/{group_id}/messages"),
            Some(&alice),
            json!({ "text": "after the upgrade", "client_msg_id": "m4" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["message"]["seq"], 4);
    let alice_id = server.get("/me", &alice).await.1["user"]["id"].clone();
    let (status, replay) = server
        .call(
            Method::POST,
            "/charges",
            Some(&carol),
            Some(
                json!({ "payer_id": alice_id, "amount": 250, "currency": "EUR",
                         "group_id": group_id, "idempotency_key": "inv-1" }),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{replay}");
    let (_, wallet) = server.get("/wallet", &alice).await;
    assert_eq!(
        wallet["balances"],
        json!([{ "currency": "EUR", "amount": 750 }])
    );
}

#[tokio::test]
async fn a_migrated_folder_opens_again_without_migrating_twice() {
    let mut server = Server::start_on_copy_of(Path::new(FIXTURE));
    login(&server, "alice").await;
    let steps = server.log().matches("database schema migrated").count();
    assert!(steps >= 1, "{}", server.log());
    server.restart_after_kill();
    let alice = login(&server, "alice").await;
    let (status, _) = server.get("/groups", &alice).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        server.log().matches("database schema migrated").count(),
        steps,
        "{}",
        server.log()
    );
}
