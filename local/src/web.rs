//! The web app (built from `web/` by build.rs and embedded): `/` and its files.

use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use http::{HeaderValue, header};

mod built {
    include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));
}

/// The app's routes: `/`, `/index.html` and every built file. Any other path is left to the
/// API's JSON 404.
pub fn router() -> axum::Router {
    let Some(reason) = built::MISSING else {
        let mut router = axum::Router::new();
        for &(path, bytes) in built::ASSETS {
            let serve = || only_get(get(move || async move { asset(path, bytes) }));
            router = router.route(path, serve());
            if path == "/index.html" {
                router = router.route("/", serve());
            }
        }
        return router;
    };
    axum::Router::new().route("/", only_get(get(move || async move { not_built(reason) })))
}

/// Another method on the app's paths is the API's JSON 404, as on every other path.
fn only_get(route: MethodRouter) -> MethodRouter {
    route.fallback(chat_core::http::no_route)
}

fn asset(path: &'static str, bytes: &'static [u8]) -> Response {
    // Vite names bundles by content hash: those never change. The page and its config do.
    let cache = if path.starts_with("/assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if path.ends_with(".html") {
        // The page runs only its own bundle and talks only to this server (API, live channel,
        // attachment links): an injected script would have nowhere to load from or send to.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    response
}

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
    connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
    form-action 'self'";

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, extension)| extension) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

fn not_built(reason: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><meta charset=utf-8><title>chat-local</title>\
         <h1>chat-local is running, without its web app</h1>\
         <p>The web app was not built into this binary: {}.</p>\
         <p>Install Node.js 20 or newer with npm, then run <code>cargo run --release -p \
         chat-local</code> again. The HTTP API and the live channel work as usual \
         (<a href=\"/openapi.json\">/openapi.json</a>).</p>",
        reason
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    ))
}
