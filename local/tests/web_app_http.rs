//! The web app as chat-local serves it: the page, its bundle and config, with the headers that
//! keep it safe and cacheable; the API around it unchanged.

mod common;

use common::{Server, error_code};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn root_serves_the_web_app_page_with_its_security_policy() {
    let server = Server::start();
    let page = server.client.get(server.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(headers["cache-control"], "no-cache");
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(html.contains("<div id=\"app\">"), "{html}");

    // The bundle the page names is served, cached for good (its name is its content's hash).
    let script = html
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page names its script");
    assert!(script.starts_with("/assets/"), "{script}");
    let bundle = server.client.get(server.url(script)).send().await.unwrap();
    assert_eq!(bundle.status(), StatusCode::OK);
    assert_eq!(
        bundle.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        bundle.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(bundle.headers()["x-content-type-options"], "nosniff");
    assert!(!bundle.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn config_json_points_the_app_at_its_own_origin() {
    let server = Server::start();
    let answer = server
        .client
        .get(server.url("/config.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["cache-control"], "no-cache");
    let config: Value = answer.json().await.unwrap();
    assert_eq!(config["api_base_url"], "");
}

#[tokio::test]
async fn paths_beside_the_app_stay_json_404s() {
    let server = Server::start();
    for path in ["/assets/nothing.js", "/index.htm", "/web", "/groups/"] {
        let answer = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = answer.json().await.unwrap();
        assert_eq!(error_code(&body), "not_found", "{path}");
    }
    // And the app's files take no other method.
    let posted = server
        .client
        .post(server.url("/index.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::NOT_FOUND);
}
