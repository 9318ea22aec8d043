//! Attachments over HTTP against a chat-local process: announce, upload to the signed URL,
//! send, download by the signed link; and every refusal on the way.

mod common;

use common::{Server, create_group, drain, error_code};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const LIMIT: u64 = 4096;

async fn announce(server: &Server, token: &str, group: &str, body: Value) -> (StatusCode, Value) {
    server
        .post(&format!("/groups/{group}/attachments"), Some(token), body)
        .await
}

/// PUTs `bytes` to an upload grant, with its headers (and `content_type` instead, if given).
async fn upload(grant: &Value, bytes: Vec<u8>, content_type: Option<&str>) -> StatusCode {
    let mut request = reqwest::Client::new().put(grant["url"].as_str().unwrap());
    for (name, value) in grant["headers"].as_object().unwrap() {
        if name != "content-type" || content_type.is_none() {
            request = request.header(name, value.as_str().unwrap());
        }
    }
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.body(bytes).send().await.unwrap().status()
}

async fn fetch(url: &str) -> (StatusCode, Option<String>, Vec<u8>) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

fn png(size: usize) -> Vec<u8> {
    (0..size).map(|n| (n % 251) as u8).collect()
}

/// Announces and uploads a file; returns its id.
async fn uploaded(server: &Server, token: &str, group: &str, size: usize) -> String {
    let (status, grant) = announce(
        server,
        token,
        group,
        json!({ "filename": "cat.png", "content_type": "image/png", "size": size }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{grant}");
    assert_eq!(
        upload(&grant["upload"], png(size), None).await,
        StatusCode::OK
    );
    grant["attachment"]["id"].as_str().unwrap().to_string()
}

async fn send_with(
    server: &Server,
    token: &str,
    group: &str,
    id: &str,
    attachments: Value,
) -> (StatusCode, Value) {
    server
        .post(
            &format!("/groups/{group}/messages"),
            Some(token),
            json!({ "text": "", "client_msg_id": id, "attachments": attachments }),
        )
        .await
}

#[tokio::test]
async fn a_file_is_uploaded_sent_and_downloaded_by_members_only() {
    let server = Server::start_with(&["--max-attachment-bytes", &LIMIT.to_string()]);
    let bob_id = server.sign_up("bob").await;
    server.sign_up("alice").await;
    server.sign_up("carol").await;
    let alice = server.login("alice", "phone").await;
    let bob = server.login("bob", "phone").await;
    let carol = server.login("carol", "phone").await;
    let group = create_group(&server, &alice, &[&bob_id]).await;
    drain(&server, &bob).await;

    let (status, grant) = announce(
        &server,
        &alice,
        &group,
        json!({ "filename": "cat photo.png", "content_type": "image/png", "size": 3000 }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{grant}");
    assert_eq!(grant["upload"]["method"], "PUT");
    assert_eq!(grant["upload"]["headers"]["content-type"], "image/png");
    assert_eq!(grant["attachment"]["size"], 3000);
    let id = grant["attachment"]["id"].as_str().unwrap().to_string();

    // Not yet uploaded: a send cannot use it.
    let (status, refused) = send_with(&server, &alice, &group, "a-0", json!([id])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    // A larger body is refused, not truncated; another type is refused; neither is stored.
    assert_eq!(
        upload(&grant["upload"], png(3001), None).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        upload(&grant["upload"], png(2999), None).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        upload(&grant["upload"], png(3000), Some("text/plain")).await,
        StatusCode::FORBIDDEN
    );
    let (status, _) = send_with(&server, &alice, &group, "a-0", json!([id])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        upload(&grant["upload"], png(3000), None).await,
        StatusCode::OK
    );

    let (status, sent) = send_with(&server, &alice, &group, "a-1", json!([id])).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let attachment = &sent["message"]["attachments"][0];
    assert_eq!(attachment["filename"], "cat photo.png");
    let (status, content_type, bytes) = fetch(attachment["url"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("image/png"));
    assert_eq!(bytes, png(3000));

    // Bob gets the message with a link of his own that works too.
    let events = drain(&server, &bob).await;
    let message = events.iter().find(|e| e["type"] == "message").unwrap();
    let (status, _, bytes) = fetch(
        message["message"]["attachments"][0]["url"]
            .as_str()
            .unwrap(),
    )
    .await;
    assert_eq!((status, bytes.len()), (StatusCode::OK, 3000));

    // A forged link is refused.
    let url = attachment["url"].as_str().unwrap();
    let flipped = if url.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{flipped}", &url[..url.len() - 1]);
    assert_eq!(fetch(&forged).await.0, StatusCode::FORBIDDEN);
    let renamed = url.replace("name=cat%20photo.png", "name=dog.png");
    assert_eq!(fetch(&renamed).await.0, StatusCode::FORBIDDEN);

    // The same attachment cannot go in another message; a retry of its send is fine.
    let (status, retry) = send_with(&server, &alice, &group, "a-1", json!([id])).await;
    assert_eq!(status, StatusCode::OK, "{retry}");
    let (status, refused) = send_with(&server, &alice, &group, "a-2", json!([id])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    // Nor can someone else send it, nor a non-member announce or read.
    let (status, _) = send_with(&server, &bob, &group, "b-1", json!([id])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = announce(
        &server,
        &carol,
        &group,
        json!({ "filename": "x.png", "content_type": "image/png", "size": 1 }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A removed member gets no new links.
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/members/{bob_id}"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.get(&format!("/groups/{group}/messages"), &bob).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Deleting the message deletes the file: its links find nothing.
    let (status, _) = server
        .call(
            Method::DELETE,
            &format!("/groups/{group}/messages/1"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(fetch(url).await.0, StatusCode::NOT_FOUND);
    let (_, page) = server
        .get(&format!("/groups/{group}/messages"), &alice)
        .await;
    assert_eq!(page["messages"][0]["attachments"], json!([]));
}

/// A download link for `key` signed with the data folder's key, expiring at `expires` (ms).
fn signed_link(server: &Server, key: &str, expires: i64) -> String {
    use hmac::{Hmac, Mac};
    let secret = std::fs::read(server.data_path().join("file-signing.key")).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
    for part in ["GET", key, &expires.to_string(), "cat.png", "image/png"] {
        mac.update(part.as_bytes());
        mac.update(b"\n");
    }
    let sig: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    server.url(&format!(
        "/files/{key}?expires={expires}&name=cat.png&type=image%2Fpng&sig={sig}"
    ))
}

#[tokio::test]
async fn an_expired_link_is_refused_and_a_live_one_served() {
    let server = Server::start();
    let bob_id = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let group = create_group(&server, &alice, &[&bob_id]).await;
    let id = uploaded(&server, &alice, &group, 100).await;
    let key = format!("{group}/{id}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let (status, _, bytes) = fetch(&signed_link(&server, &key, now + 60_000)).await;
    assert_eq!((status, bytes.len()), (StatusCode::OK, 100));
    let (status, _, _) = fetch(&signed_link(&server, &key, now - 1)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "expired");
}

#[tokio::test]
async fn announcing_refuses_bad_names_types_and_sizes_and_a_send_checks_its_list() {
    let server = Server::start_with(&["--max-attachment-bytes", &LIMIT.to_string()]);
    let bob_id = server.sign_up("bob").await;
    server.sign_up("alice").await;
    let alice = server.login("alice", "phone").await;
    let group = create_group(&server, &alice, &[&bob_id]).await;
    let other = create_group(&server, &alice, &[&bob_id]).await;
    for body in [
        json!({ "filename": "a.exe", "content_type": "application/x-msdownload", "size": 10 }),
        json!({ "filename": "a.png", "content_type": "image/png", "size": 0 }),
        json!({ "filename": "a.png", "content_type": "image/png", "size": LIMIT + 1 }),
        json!({ "filename": "../a.png", "content_type": "image/png", "size": 10 }),
        json!({ "filename": "", "content_type": "image/png", "size": 10 }),
        json!({ "filename": "a.png", "content_type": "image/png", "size": -1 }),
        json!({ "filename": "a.png", "content_type": "image/png" }),
    ] {
        let (status, refused) = announce(&server, &alice, &group, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {refused}");
        assert_eq!(error_code(&refused), "invalid_request");
    }
    let (status, _) = announce(
        &server,
        &alice,
        &group,
        json!({ "filename": "notes.txt", "content_type": "text/plain", "size": LIMIT }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // One uploaded for another group, unknown ids, repeats and more than 10 are refused.
    let elsewhere = uploaded(&server, &alice, &other, 10).await;
    let here = uploaded(&server, &alice, &group, 10).await;
    let unknown = uuid::Uuid::now_v7().to_string();
    let eleven: Vec<String> = {
        let mut ids = Vec::new();
        for _ in 0..11 {
            ids.push(uploaded(&server, &alice, &group, 1).await);
        }
        ids
    };
    for (n, attachments) in [
        json!([elsewhere]),
        json!([unknown]),
        json!([here, here]),
        json!(eleven),
        json!(["not-an-id"]),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, refused) = send_with(
            &server,
            &alice,
            &group,
            &format!("bad-{n}"),
            attachments.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{attachments}: {refused}");
    }
    let (status, sent) =
        send_with(&server, &alice, &group, "ten", json!(eleven[..10].to_vec())).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["message"]["attachments"].as_array().unwrap().len(), 10);
    // An empty text needs an attachment.
    let (status, _) = send_with(&server, &alice, &group, "empty", json!([])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
