//! Every API Gateway event in `events/` through its function's handler, on the embedded
//! adapters seeded with the fixture the events name.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chat_core::embedded::EmbeddedStore;
use chat_core::http::Routes;
use chat_core::http::lambda::handle_event;
use chat_core::ports::SystemClock;
use chat_core::service::{Config, Services};

/// Each event file and the status its function must answer.
const EXPECTED: &[(&str, u16)] = &[
    ("charge-by-member", 403),
    ("charge-charge", 201),
    ("charge-charge-insufficient-funds", 402),
    ("charge-credit", 201),
    ("charge-from-timer-never-ran", 409),
    ("charge-list", 200),
    ("charge-wallet", 200),
    ("charge-wallet-entries", 200),
    ("group-manage-add-member", 201),
    ("group-manage-create-direct", 201),
    ("group-manage-create-group", 201),
    ("group-manage-get-group", 200),
    ("group-manage-list-groups", 200),
    ("group-manage-remove-member", 204),
    ("group-manage-rename-group", 200),
    ("login-find-user", 200),
    ("login-get-user", 200),
    ("login-log-in", 201),
    ("login-log-in-wrong-password", 401),
    ("login-log-out", 204),
    ("login-me", 200),
    ("login-me-without-token", 401),
    ("login-sign-up", 201),
    ("login-sign-up-provider", 201),
    ("poll-history", 200),
    ("poll-mark-read", 200),
    ("poll-poll", 200),
    ("send-message-empty-text", 400),
    ("send-message-send", 201),
    ("timer-get", 200),
    ("timer-pause-when-idle", 409),
    ("timer-resume-when-idle", 409),
    ("timer-start", 200),
    ("timer-stop-when-idle", 409),
];

fn routes_for(event_name: &str) -> &'static dyn Routes {
    let functions: [(&str, &'static dyn Routes); 6] = [
        ("login-", &login::Login),
        ("timer-", &timer::Timer),
        ("charge-", &charge::Charge),
        ("group-manage-", &group_manage::GroupManage),
        ("send-message-", &send_message::SendMessage),
        ("poll-", &poll::Poll),
    ];
    functions
        .iter()
        .find(|(prefix, _)| event_name.starts_with(prefix))
        .map(|(_, routes)| *routes)
        .unwrap_or_else(|| panic!("no function for event {event_name}"))
}

fn event_files() -> BTreeMap<String, PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../events");
    std::fs::read_dir(&dir)
        .expect("events folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            (
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                path,
            )
        })
        .collect()
}

#[test]
fn every_event_file_has_an_expected_status_and_every_expectation_a_file() {
    let files: Vec<String> = event_files().into_keys().collect();
    let expected: Vec<String> = EXPECTED.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(files, expected);
}

#[tokio::test]
async fn every_event_gets_its_expected_status_from_its_function() {
    for (name, path) in event_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(
            &dir.path().join("chat.db"),
            Arc::new(SystemClock),
            Duration::from_secs(30),
        )
        .unwrap();
        chat_core::fixture::seed(&store.ports()).await.unwrap();
        let services = Services::new(store.ports(), Config::default());
        let json = std::fs::read_to_string(&path).unwrap();
        let request =
            lambda_http::request::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let response = handle_event(routes_for(&name), &services, request).await;
        let expected = EXPECTED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
            .unwrap();
        let body = match response.body() {
            lambda_http::Body::Text(text) => text.clone(),
            _ => String::new(),
        };
        assert_eq!(response.status().as_u16(), expected, "{name}: {body}");
        if expected != 204 {
            let document: serde_json::Value =
                serde_json::from_str(&body).unwrap_or_else(|_| panic!("{name}: not JSON: {body}"));
            assert_eq!(
                document.get("error").is_some(),
                expected >= 400,
                "{name}: {body}"
            );
            assert_eq!(response.headers()["content-type"], "application/json");
        }
        if name == "login-find-user" {
            // The query string made it through API Gateway's event shape.
            assert!(body.contains(r#""username":"bob""#), "{body}");
        }
    }
}
