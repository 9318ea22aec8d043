//! The login function's routes over real HTTP against a chat-local process.

mod common;

use std::time::Duration;

use common::{PASSWORD, Server, error_code};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn sign_up_returns_201_with_the_user_and_member_role_by_default() {
    let server = Server::start();
    let (status, body) = server
        .post(
            "/users",
            None,
            json!({ "username": "Alice", "password": PASSWORD, "display_name": " Alice A. " }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let user = &body["user"];
    assert_eq!(user["username"], "Alice");
    assert_eq!(user["display_name"], "Alice A.");
    assert_eq!(user["role"], "member");
    assert!(uuid::Uuid::parse_str(user["id"].as_str().unwrap()).is_ok());
    assert!(user["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(user.get("password_hash").is_none() && user.get("password").is_none());
}

#[tokio::test]
async fn sign_up_returns_400_for_missing_malformed_and_mistyped_fields() {
    let server = Server::start();
    let cases = [
        json!({ "password": PASSWORD }),
        json!({ "username": "alice" }),
        json!({ "username": "al", "password": PASSWORD }),
        json!({ "username": "x".repeat(33), "password": PASSWORD }),
        json!({ "username": "al ice", "password": PASSWORD }),
        json!({ "username": "alice", "password": "short" }),
        json!({ "username": "alice", "password": "p".repeat(129) }),
        json!({ "username": "alice", "password": 12345678 }),
        json!({ "username": "alice", "password": PASSWORD, "role": "superuser" }),
        json!({ "username": "alice", "password": PASSWORD, "display_name": "" }),
        json!(["alice", PASSWORD]),
    ];
    for case in cases {
        let (status, body) = server.post("/users", None, case.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case} -> {body}");
        assert_eq!(error_code(&body), "invalid_request");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    // Not JSON at all, and no body.
    for raw in ["{not json", ""] {
        let response = server
            .client
            .post(server.url("/users"))
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{raw:?}");
    }
    // Nothing was stored by any of those.
    let (status, _) = server
        .post(
            "/sessions",
            None,
            json!({ "username": "alice", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_up_accepts_json_without_content_type_and_ignores_unknown_fields() {
    let server = Server::start();
    let response = server
        .client
        .post(server.url("/users"))
        .body(json!({ "username": "carol", "password": PASSWORD, "favourite": 7 }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn sign_up_returns_409_when_the_username_is_taken_in_another_case() {
    let server = Server::start();
    server.sign_up("alice").await;
    let (status, body) = server
        .post(
            "/users",
            None,
            json!({ "username": "ALICE", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_code(&body), "conflict");
}

#[tokio::test]
async fn sign_up_returns_403_for_a_privileged_role_without_an_admin_token() {
    let server = Server::start();
    server.sign_up("mallory").await;
    let member_token = server.login("mallory", "laptop").await;
    for role in ["admin", "provider"] {
        let body = json!({ "username": format!("new{role}"), "password": PASSWORD, "role": role });
        let (status, answer) = server.post("/users", None, body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
        assert_eq!(error_code(&answer), "forbidden");
        let (status, _) = server.post("/users", Some(&member_token), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    // An explicit member role needs nobody's permission.
    let (status, _) = server
        .post(
            "/users",
            None,
            json!({ "username": "plain", "password": PASSWORD, "role": "member" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn an_admin_made_by_create_user_can_create_a_provider() {
    let server = Server::start();
    server.create_user_with_role("root", "admin");
    let admin = server.login("root", "console").await;
    let (_, me) = server.get("/me", &admin).await;
    assert_eq!(me["user"]["role"], "admin");
    let (status, body) = server
        .post(
            "/users",
            Some(&admin),
            json!({ "username": "doctor", "password": PASSWORD, "role": "provider" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["role"], "provider");
}

#[tokio::test]
async fn login_returns_201_with_token_session_and_user_ignoring_username_case() {
    let server = Server::start();
    let id = server.sign_up("alice").await;
    let (status, body) = server
        .post(
            "/sessions",
            None,
            json!({ "username": "AlIcE", "password": PASSWORD, "device": "phone" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["token"].as_str().unwrap().len() > 40);
    assert_eq!(body["user"]["id"], id.as_str());
    assert_eq!(body["session"]["user_id"], id.as_str());
    assert_eq!(body["session"]["device"], "phone");
    assert!(
        body["session"]["expires_at"].as_str().unwrap()
            > body["session"]["created_at"].as_str().unwrap()
    );
}

#[tokio::test]
async fn login_returns_the_same_401_for_an_unknown_user_and_a_wrong_password() {
    let server = Server::start();
    server.sign_up("alice").await;
    let (status_unknown, unknown) = server
        .post(
            "/sessions",
            None,
            json!({ "username": "nobody", "password": PASSWORD }),
        )
        .await;
    let (status_wrong, wrong) = server
        .post(
            "/sessions",
            None,
            json!({ "username": "alice", "password": "wrong-password" }),
        )
        .await;
    assert_eq!(status_unknown, StatusCode::UNAUTHORIZED);
    assert_eq!(status_wrong, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown, wrong);
    let (status, _) = server
        .post("/sessions", None, json!({ "username": "alice" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn me_returns_the_user_and_session_of_the_token() {
    let server = Server::start();
    let id = server.sign_up("alice").await;
    let token = server.login("alice", "tablet").await;
    let (status, body) = server.get("/me", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["user"]["id"], id.as_str());
    assert_eq!(body["session"]["device"], "tablet");
}

#[tokio::test]
async fn me_returns_401_for_missing_garbage_and_tampered_tokens() {
    let server = Server::start();
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let (status, body) = server.call(Method::GET, "/me", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "unauthorized");
    let (session_part, _) = token.split_once('.').unwrap();
    let tampered = format!("{session_part}.{}", "A".repeat(43));
    for bad in ["garbage", "", "Bearer", tampered.as_str()] {
        let (status, _) = server.get("/me", bad).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad:?}");
    }
    let basic = server
        .client
        .get(server.url("/me"))
        .basic_auth("alice", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn me_returns_401_once_the_session_expired() {
    let server = Server::start_with(&["--session-ttl-seconds", "1"]);
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let (status, _) = server.get("/me", &token).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let (status, body) = server.get("/me", &token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn logout_returns_204_and_ends_only_that_session() {
    let server = Server::start();
    server.sign_up("alice").await;
    let phone = server.login("alice", "phone").await;
    let laptop = server.login("alice", "laptop").await;
    let (status, body) = server
        .call(Method::DELETE, "/sessions/current", Some(&phone), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(body.is_null());
    let (status, _) = server.get("/me", &phone).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .call(Method::DELETE, "/sessions/current", Some(&phone), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server.get("/me", &laptop).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn get_user_returns_the_user_404_when_unknown_and_400_when_malformed() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let (status, body) = server.get(&format!("/users/{bob}"), &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["user"]["username"], "bob");
    let (status, body) = server
        .get(&format!("/users/{}", uuid::Uuid::now_v7()), &token)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");
    let (status, _) = server.get("/users/not-a-uuid", &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server
        .call(Method::GET, &format!("/users/{bob}"), None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn find_users_matches_the_exact_username_ignoring_case() {
    let server = Server::start();
    let bob = server.sign_up("bob").await;
    server.sign_up("bobby").await;
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let (status, body) = server.get("/users?username=BOB", &token).await;
    assert_eq!(status, StatusCode::OK);
    let users = body["users"].as_array().unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["id"], bob.as_str());
    let (status, body) = server.get("/users?username=bo", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["users"].as_array().unwrap().len(), 0);
    let (status, _) = server.get("/users", &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server
        .call(Method::GET, "/users?username=bob", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_body_over_64_kib_returns_413() {
    let server = Server::start();
    let big =
        json!({ "username": "alice", "password": PASSWORD, "display_name": "x".repeat(70_000) });
    let (status, body) = server.post("/users", None, big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&body), "payload_too_large");
    // Chunked, without a content-length, is cut off at the limit too.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /users HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("2000\r\n{}\r\n", " ".repeat(0x2000));
    for _ in 0..10 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = vec![0u8; 512];
    let read = stream.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn an_unknown_route_returns_404_in_the_contract_format() {
    let server = Server::start();
    for (method, path) in [
        (Method::GET, "/nothing-here"),
        (Method::PUT, "/users"),
        (Method::GET, "/timer"),
    ] {
        let (status, body) = server.call(method, path, None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(error_code(&body), "not_found");
    }
}

#[tokio::test]
async fn sign_up_and_group_names_return_400_for_control_and_invisible_characters() {
    let server = Server::start();
    for display_name in [
        "\u{202E}nimda",
        "ali\u{200B}ce",
        "two\nlines",
        "\u{0007}bell",
    ] {
        let (status, body) = server
            .post(
                "/users",
                None,
                json!({ "username": "mallory", "password": PASSWORD, "display_name": display_name }),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{display_name:?}: {body}");
        assert_eq!(error_code(&body), "invalid_request");
    }
    // Nothing was created by the refusals; an ordinary name with accents and emoji is fine.
    let (status, body) = server
        .post(
            "/users",
            None,
            json!({ "username": "mallory", "password": PASSWORD, "display_name": "Zoë 😀" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let bob = server.sign_up("bob").await;
    let token = server.login("mallory", "phone").await;
    let (status, body) = server
        .post(
            "/groups",
            Some(&token),
            json!({ "kind": "group", "name": "team\u{2066}", "member_ids": [bob] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn a_flood_of_log_ins_is_answered_429_with_retry_after_beyond_the_hashing_bound() {
    // The hashing bound alone: the failed-log-in limits (tested below) are off.
    let server = Server::start_with(&[
        "--failed-logins-per-user",
        "0",
        "--failed-logins-per-address",
        "0",
    ]);
    server.sign_up("alice").await;
    let attempts = (0..200).map(|n| {
        let (client, url) = (server.client.clone(), server.url("/sessions"));
        async move {
            let response = client
                .post(url)
                .json(&json!({ "username": "alice", "password": format!("wrong-{n}-password") }))
                .send()
                .await
                .unwrap();
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
            let body: serde_json::Value = response.json().await.unwrap();
            (status, retry_after, body)
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let refused: Vec<_> = answers
        .iter()
        .filter(|(status, ..)| *status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    let checked = answers
        .iter()
        .filter(|(status, ..)| *status == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(refused.len() + checked, 200, "only 401s and 429s");
    assert!(!refused.is_empty(), "200 hashes at once were all queued");
    assert!(checked >= 2, "the pool still hashed some");
    for (_, retry_after, body) in refused {
        assert_eq!(retry_after.as_deref(), Some("1"));
        assert_eq!(error_code(body), "rate_limited");
    }
    // Once the flood is over, log-in works.
    server.login("alice", "phone").await;
}

async fn log_in_as(
    server: &Server,
    username: &str,
    password: &str,
) -> (StatusCode, Option<u64>, serde_json::Value) {
    let response = server
        .client
        .post(server.url("/sessions"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (status, retry_after, response.json().await.unwrap())
}

#[tokio::test]
async fn failed_log_ins_are_limited_per_username_and_per_address_and_logged_without_the_password() {
    let server = Server::start_with(&[
        "--failed-logins-per-user",
        "3",
        "--failed-logins-per-address",
        "5",
        "--failed-login-window-seconds",
        "3600",
    ]);
    let alice_id = server.sign_up("alice").await;
    server.sign_up("bob").await;
    for _ in 0..3 {
        let (status, _, _) = log_in_as(&server, "alice", "not-alices-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // alice's username has used its failures: even her right password waits, and says how long.
    // The refusal itself comes after a second (chat-local's default), so that a flood ignoring
    // Retry-After sends one log-in a second per connection.
    let started = std::time::Instant::now();
    let (status, retry_after, body) = log_in_as(&server, "ALICE", PASSWORD).await;
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(error_code(&body), "rate_limited");
    assert!(
        retry_after.is_some_and(|s| (1..=3600).contains(&s)),
        "{retry_after:?}"
    );
    // bob is another username, but the same address has 2 failures left.
    for _ in 0..2 {
        let (status, _, _) = log_in_as(&server, "bob", "not-bobs-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, body) = log_in_as(&server, "bob", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // A refused attempt is never checked, so it cannot be used to guess: nothing logs in.
    let (status, _, _) = log_in_as(&server, "nobody-at-all", "whatever-password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    let log = server.log();
    let failures: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("log-in failed"))
        .collect();
    assert_eq!(failures.len(), 5, "{log}");
    assert!(
        failures[0].contains(&alice_id) && failures[0].contains("127.0.0.1"),
        "{}",
        failures[0]
    );
    assert!(!log.contains("not-alices-password") && !log.contains(PASSWORD));
}

#[tokio::test]
async fn a_failed_log_in_limit_ends_with_its_window() {
    let server = Server::start_with(&[
        "--failed-logins-per-user",
        "1",
        "--failed-login-window-seconds",
        "2",
    ]);
    server.sign_up("alice").await;
    // A window may end between two attempts: try until one failure is seen to hold.
    let mut wait = None;
    for _ in 0..3 {
        log_in_as(&server, "alice", "not-alices-password").await;
        let (status, retry_after, _) = log_in_as(&server, "alice", PASSWORD).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            wait = retry_after;
            break;
        }
        assert_eq!(status, StatusCode::CREATED);
    }
    let wait = wait.expect("a failure limited the next log-in");
    assert!((1..=2).contains(&wait), "{wait}");
    tokio::time::sleep(Duration::from_millis(wait * 1000 + 100)).await;
    let (status, _, body) = log_in_as(&server, "alice", PASSWORD).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_log_in_beyond_the_session_cap_ends_the_oldest_session() {
    let server = Server::start_with(&["--max-sessions-per-user", "3"]);
    server.sign_up("alice").await;
    server.sign_up("bob").await;
    let bob = server.login("bob", "phone").await;
    let mut tokens = Vec::new();
    for device in ["one", "two", "three", "four", "five"] {
        tokens.push(server.login("alice", device).await);
    }
    let mut statuses = Vec::new();
    for token in &tokens {
        statuses.push(server.get("/me", token).await.0.as_u16());
    }
    assert_eq!(statuses, [401, 401, 200, 200, 200], "the two oldest ended");
    assert_eq!(server.get("/me", &bob).await.0, StatusCode::OK);
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session_of_the_caller_and_no_one_elses() {
    let server = Server::start();
    server.sign_up("alice").await;
    server.sign_up("bob").await;
    let phone = server.login("alice", "phone").await;
    let laptop = server.login("alice", "laptop").await;
    let bob = server.login("bob", "phone").await;
    let (status, _) = server.call(Method::DELETE, "/sessions", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = server
        .call(Method::DELETE, "/sessions", Some(&laptop), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    for token in [&phone, &laptop] {
        assert_eq!(server.get("/me", token).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(server.get("/me", &bob).await.0, StatusCode::OK);
    // Logging in again works as before.
    let again = server.login("alice", "phone").await;
    assert_eq!(server.get("/me", &again).await.0, StatusCode::OK);
}
