//! The HTTP contract's edges on chat-local: bodies that are not JSON objects, exact path
//! matching as on API Gateway, bodies cut short, and the served OpenAPI document.

mod common;

use common::{PASSWORD, Server, error_code};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn raw_body(server: &Server, method: Method, path: &str, body: &str) -> (StatusCode, Value) {
    let response = server
        .client
        .request(method, server.url(path))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn login_returns_400_when_the_body_is_an_array_or_a_scalar_not_an_object() {
    let server = Server::start();
    server.sign_up("alice").await;
    for body in [
        format!(r#"["alice","{PASSWORD}",null]"#),
        "null".to_string(),
        r#""alice""#.to_string(),
        "42".to_string(),
    ] {
        let (status, answer) = raw_body(&server, Method::POST, "/sessions", &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(error_code(&answer), "invalid_request");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("JSON object"),
            "{answer}"
        );
    }
    // The same fields as an object log in.
    let object = format!(r#"{{"username":"alice","password":"{PASSWORD}"}}"#);
    let (status, _) = raw_body(&server, Method::POST, "/sessions", &object).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn poll_treats_an_empty_or_null_body_as_no_fields_but_refuses_an_array() {
    let server = Server::start();
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    for (body, expected) in [
        ("", StatusCode::OK),
        ("null", StatusCode::OK),
        (r#"{"wait":0}"#, StatusCode::OK),
        ("[0]", StatusCode::BAD_REQUEST),
    ] {
        // An accepted empty or null body waits the default 20 s for events, so a short client
        // time-out stands for "accepted"; a refusal answers at once.
        let request = server
            .client
            .post(server.url("/poll"))
            .bearer_auth(&token)
            .body(body.to_string())
            .timeout(std::time::Duration::from_millis(500));
        match request.send().await {
            Ok(response) => assert_eq!(response.status(), expected, "{body}"),
            // Still waiting for events after 500 ms: the body was accepted.
            Err(error) if error.is_timeout() => assert_eq!(expected, StatusCode::OK, "{body}"),
            Err(error) => panic!("{body}: {error}"),
        }
    }
}

#[tokio::test]
async fn paths_match_exactly_so_doubled_and_trailing_slashes_are_404_not_a_logout() {
    let server = Server::start();
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    for path in [
        "//sessions//current",
        "/sessions/current/",
        "/sessions//current",
    ] {
        let (status, body) = server.call(Method::DELETE, path, Some(&token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(error_code(&body), "not_found");
    }
    let (status, _) = server.get("/me/", &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // None of them logged the session out.
    let (status, _) = server.get("/me", &token).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_cut_short_returns_400_not_413() {
    let server = Server::start();
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(br#"{"username":"#).await.unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains(r#""code":"invalid_request""#), "{answer}");
    // Nothing was created from the fragment.
    server.sign_up("alice").await;
}

#[tokio::test]
async fn a_declared_length_over_64_kib_is_refused_before_the_body_is_sent() {
    let server = Server::start();
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /sessions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 70000\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 512];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn openapi_json_is_served_and_describes_every_route_with_the_bearer_scheme() {
    let server = Server::start();
    let response = server
        .client
        .get(server.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let document: Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"],
        json!({"type": "http", "scheme": "bearer", "description": "The `token` from `POST /sessions`: `Authorization: Bearer <token>`."})
    );
    let operations: usize = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(operations, 41, "every route of the six functions");
    let send = &document["paths"]["/groups/{group_id}/messages"]["post"];
    assert_eq!(send["tags"], json!(["send-message"]));
    assert_eq!(
        send["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
    // The served document is the committed one.
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(document, committed);
}

#[tokio::test]
async fn a_poll_waits_no_longer_than_the_configured_cap() {
    let server = Server::start_with(&["--max-poll-wait-seconds", "1"]);
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let started = std::time::Instant::now();
    let (status, body) = server
        .post("/poll", Some(&token), json!({ "wait": 20 }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["events"], json!([]));
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(900)
            && waited < std::time::Duration::from_secs(10),
        "{waited:?}"
    );
}

#[tokio::test]
async fn a_second_poll_of_a_session_ends_the_one_still_waiting() {
    let server = Server::start();
    server.sign_up("alice").await;
    let token = server.login("alice", "phone").await;
    let started = std::time::Instant::now();
    let waiting = {
        let (client, url, token) = (server.client.clone(), server.url("/poll"), token.clone());
        tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({ "wait": 20 }))
                .send()
                .await
                .unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (status, second) = server
        .post("/poll", Some(&token), json!({ "wait": 0 }))
        .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let (status, first) = waiting.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["events"], json!([]));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "the first poll ended early: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_client_slow_to_send_its_headers_or_idle_too_long_is_disconnected() {
    let server = Server::start_with(&["--header-read-timeout-seconds", "1"]);
    // Half a request line, then nothing.
    let mut slow = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(b"POST /users HTTP/1.1\r\nHost: local")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        slow.read_to_end(&mut answer),
    )
    .await
    .expect("disconnected, not left hanging")
    .ok();
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    // An idle kept-alive connection goes the same way after its request.
    let mut idle = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        idle.read_to_end(&mut answer),
    )
    .await
    .expect("closed once idle")
    .unwrap();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    // Others are served meanwhile and after.
    server.sign_up("alice").await;
}

#[tokio::test]
async fn a_body_slow_to_arrive_gets_408() {
    let server = Server::start_with(&["--body-read-timeout-seconds", "1"]);
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /users HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(br#"{"username":"#).await.unwrap();
    let mut answer = vec![0u8; 1024];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("answered within the body time-out")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""code":"request_timeout""#), "{answer}");
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let server = Server::start_with(&["--max-connections", "2"]);
    let first = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let _second = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    // Both places are taken: a third client is not served.
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(800))
        .build()
        .unwrap();
    assert!(
        client
            .get(server.url("/openapi.json"))
            .send()
            .await
            .is_err()
    );
    drop(first);
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let response = client
        .get(server.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
