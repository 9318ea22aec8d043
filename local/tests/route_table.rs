//! One route table: the routers of `chat_local::FUNCTIONS` are the source; the committed
//! OpenAPI document, `template.yaml`'s HttpApi events and the API Gateway events in `events/`
//! are checked against them, and every event is replayed through its function's router.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chat_core::embedded::EmbeddedStore;
use chat_core::http::app;
use chat_core::http::openapi::operations_mut;
use chat_core::ports::SystemClock;
use chat_core::service::{Config, Services};
use chat_local::FUNCTIONS;
use tower::ServiceExt;
use yaml_serde::Value;

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// A route as API Gateway names it (`"GET /groups/{group_id}"`), and the function serving it.
type RouteTable = BTreeMap<String, String>;

/// The routes the code serves, from the routers themselves.
fn routes_in_code() -> RouteTable {
    let mut table = RouteTable::new();
    for function in &FUNCTIONS {
        let mut router = (function.routes)();
        for (path, item) in router.get_openapi_mut().paths.paths.iter_mut() {
            let methods = [
                ("GET", item.get.is_some()),
                ("PUT", item.put.is_some()),
                ("POST", item.post.is_some()),
                ("DELETE", item.delete.is_some()),
                ("PATCH", item.patch.is_some()),
            ];
            assert_eq!(
                operations_mut(item).count(),
                methods.iter().filter(|(_, present)| *present).count(),
                "{path}: a method outside GET/PUT/POST/DELETE/PATCH"
            );
            for (method, _) in methods.iter().filter(|(_, present)| *present) {
                let previous = table.insert(format!("{method} {path}"), function.name.to_string());
                assert!(previous.is_none(), "{method} {path} is served twice");
            }
        }
    }
    table
}

/// The HttpApi events of every function in `template.yaml`, by its `Binary`.
fn routes_in_template(template: &str) -> RouteTable {
    let template: Value = yaml_serde::from_str(template).expect("template.yaml is YAML");
    let mut table = RouteTable::new();
    let resources = template["Resources"].as_mapping().expect("Resources");
    for (name, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap_or_else(|| panic!("{name:?} has no BuildProperties.Binary"));
        let Some(events) = resource["Properties"]["Events"].as_mapping() else {
            continue;
        };
        for (event_name, event) in events {
            if event["Type"].as_str() != Some("HttpApi") {
                continue;
            }
            let properties = &event["Properties"];
            let route = format!(
                "{} {}",
                properties["Method"].as_str().expect("Method"),
                properties["Path"].as_str().expect("Path")
            );
            let previous = table.insert(route.clone(), binary.to_string());
            assert!(
                previous.is_none(),
                "{route} ({event_name:?}) twice in the template"
            );
        }
    }
    table
}

/// What differs between two route tables, readably.
fn differences(expected: &RouteTable, actual: &RouteTable, actual_name: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (route, function) in expected {
        match actual.get(route) {
            None => found.push(format!(
                "{route} ({function}) is missing from {actual_name}"
            )),
            Some(other) if other != function => found.push(format!(
                "{route} is served by {function} but {actual_name} sends it to {other}"
            )),
            Some(_) => {}
        }
    }
    for (route, function) in actual {
        if !expected.contains_key(route) {
            found.push(format!(
                "{route} ({function}) in {actual_name} is no route of the code"
            ));
        }
    }
    found
}

#[test]
fn committed_openapi_document_is_what_the_code_generates() {
    let committed = std::fs::read_to_string(repo_file("docs/openapi.json"))
        .expect("docs/openapi.json is committed");
    assert!(
        committed == chat_local::openapi_json(),
        "docs/openapi.json is out of date: run `cargo run -p chat-local -- openapi > docs/openapi.json`"
    );
}

#[test]
fn template_routes_every_route_to_the_function_that_serves_it_and_nothing_else() {
    let template = std::fs::read_to_string(repo_file("template.yaml")).unwrap();
    let problems = differences(
        &routes_in_code(),
        &routes_in_template(&template),
        "template.yaml",
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn route_check_catches_an_event_deleted_from_the_template() {
    let template = std::fs::read_to_string(repo_file("template.yaml")).unwrap();
    let without_logout = template.replace(
        "Properties: { ApiId: !Ref ChatApi, Method: DELETE, Path: /sessions/current }",
        "Properties: { ApiId: !Ref ChatApi, Method: GET, Path: /sessions/gone }",
    );
    assert_ne!(
        template, without_logout,
        "the logout event is where this test expects it"
    );
    let problems = differences(
        &routes_in_code(),
        &routes_in_template(&without_logout),
        "template.yaml",
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("DELETE /sessions/current (login) is missing")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.starts_with("GET /sessions/gone")),
        "{problems:?}"
    );
}

/// Each event file by name, with its routeKey.
fn event_files() -> BTreeMap<String, (PathBuf, String)> {
    std::fs::read_dir(repo_file("events"))
        .expect("events folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let event: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let route_key = event["routeKey"].as_str().expect("routeKey").to_string();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, (path, route_key))
        })
        .collect()
}

/// Event files are named after the function they go to: `<function>-<case>.json`.
fn function_of_event(name: &str) -> &'static str {
    FUNCTIONS
        .iter()
        .map(|f| f.name)
        .filter(|function| name.starts_with(&format!("{function}-")))
        .max_by_key(|function| function.len())
        .unwrap_or_else(|| panic!("event {name} is named after no function"))
}

#[test]
fn every_route_has_an_event_for_its_function_and_every_event_names_a_route() {
    let routes = routes_in_code();
    let events = event_files();
    let mut covered = BTreeSet::new();
    for (name, (_, route_key)) in &events {
        let function = routes
            .get(route_key)
            .unwrap_or_else(|| panic!("{name}: routeKey {route_key} is no route of the code"));
        assert_eq!(function, function_of_event(name), "{name}: {route_key}");
        covered.insert(route_key.clone());
    }
    let uncovered: Vec<_> = routes.keys().filter(|r| !covered.contains(*r)).collect();
    assert!(
        uncovered.is_empty(),
        "routes without an event in events/: {uncovered:?}"
    );
}

/// Each event file and the status its function must answer (`events/expected-status.txt`).
fn expected_statuses() -> BTreeMap<String, u16> {
    std::fs::read_to_string(repo_file("events/expected-status.txt"))
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

#[test]
fn every_event_file_has_an_expected_status_and_every_expectation_a_file() {
    let files: Vec<String> = event_files().into_keys().collect();
    let expected: Vec<String> = expected_statuses().into_keys().collect();
    assert_eq!(files, expected);
}

#[tokio::test]
async fn every_event_gets_its_expected_status_from_its_function() {
    let expected_statuses = expected_statuses();
    for (name, (path, _)) in event_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(
            &dir.path().join("chat.db"),
            Arc::new(SystemClock),
            Duration::from_secs(30),
        )
        .unwrap();
        chat_core::fixture::seed(&store.ports()).await.unwrap();
        let services = Arc::new(Services::new(store.ports(), Config::default()));
        let function = FUNCTIONS
            .iter()
            .find(|f| f.name == function_of_event(&name))
            .unwrap();
        let json = std::fs::read_to_string(&path).unwrap();
        let request =
            lambda_http::request::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        let response = app((function.routes)(), services)
            .oneshot(request)
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response.headers().get("content-type").cloned();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = String::from_utf8_lossy(&body).into_owned();
        let expected = expected_statuses[&name];
        assert_eq!(status, expected, "{name}: {body}");
        if expected != 204 {
            let document: serde_json::Value =
                serde_json::from_str(&body).unwrap_or_else(|_| panic!("{name}: not JSON: {body}"));
            assert_eq!(
                document.get("error").is_some(),
                expected >= 400,
                "{name}: {body}"
            );
            assert_eq!(content_type.unwrap(), "application/json");
        }
        if name == "login-find-user" {
            // The query string made it through API Gateway's event shape.
            assert!(body.contains(r#""username":"bob""#), "{body}");
        }
    }
}

/// The guards issue 11 asked of the deployment, which no emulator runs: the HTTP API's
/// throttle, the functions whose concurrency is bounded, the stage pattern, the token cache.
#[test]
fn the_template_throttles_the_api_and_bounds_the_functions_floods_reach() {
    let template: Value =
        yaml_serde::from_str(&std::fs::read_to_string(repo_file("template.yaml")).unwrap())
            .unwrap();
    let resources = &template["Resources"];
    let parameters = &template["Parameters"];
    let throttle = &resources["ChatApi"]["Properties"]["DefaultRouteSettings"];
    for (setting, parameter) in [
        ("ThrottlingRateLimit", "ThrottlingRateLimit"),
        ("ThrottlingBurstLimit", "ThrottlingBurstLimit"),
    ] {
        assert!(
            yaml_serde::to_string(&throttle[setting])
                .unwrap()
                .contains(parameter),
            "{setting} comes from the {parameter} parameter"
        );
        assert!(parameters[parameter]["Default"].as_u64().is_some());
    }
    for (function, parameter) in [
        ("LoginFunction", "LoginReservedConcurrency"),
        ("PollFunction", "PollReservedConcurrency"),
    ] {
        let reserved = &resources[function]["Properties"]["ReservedConcurrentExecutions"];
        assert!(
            yaml_serde::to_string(reserved).unwrap().contains(parameter),
            "{function}'s concurrency is reserved by {parameter}"
        );
    }
    assert_eq!(
        parameters["Stage"]["AllowedPattern"].as_str(),
        Some("[a-z0-9]{1,16}")
    );
    assert_eq!(
        parameters["TokenCacheSeconds"]["MaxValue"].as_u64(),
        Some(60)
    );
    // Every function but login reads users by projection only, without password_hash.
    for (name, resource) in resources.as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function")
            || name.as_str() == Some("LoginFunction")
        {
            continue;
        }
        let policies = yaml_serde::to_string(&resource["Properties"]["Policies"]).unwrap();
        if policies.contains("UsersTable") {
            assert!(
                policies.contains("dynamodb:Attributes") && !policies.contains("password_hash"),
                "{name:?} may read only public user attributes"
            );
        }
    }
}
