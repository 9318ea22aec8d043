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

/// Each event file and the status its function must answer (`events/expected-status.txt`).
fn expected() -> BTreeMap<String, u16> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../events/expected-status.txt");
    std::fs::read_to_string(path)
        .expect("events/expected-status.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (name, status) = line.split_once(' ').expect("<name> <status>");
            (
                name.to_string(),
                status.trim().parse().expect("a status code"),
            )
        })
        .collect()
}

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
    let expected: Vec<String> = expected().into_keys().collect();
    assert_eq!(files, expected);
}

#[tokio::test]
async fn every_event_gets_its_expected_status_from_its_function() {
    let expected_statuses = expected();
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
        let expected = expected_statuses[&name];
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
