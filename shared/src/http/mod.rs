//! HTTP plumbing every function shares: the typed extractors (caller, JSON body, path, query),
//! the one mapping from domain errors to the contract's status codes and error document, and
//! the finishing of a function's router (exact 404s, body limit, request log) for Lambda and
//! chat-local alike.

mod extract;
pub mod openapi;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;

pub use extract::{BodyReadTimeout, ClientAddress, JsonBody, OptionalJsonBody, Path, Query};

use crate::domain::{Error, Result};
use crate::service::Services;

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler is given: the services, built once per process.
pub type AppState = Arc<Services>;

/// One function's routes together with their OpenAPI description.
pub type ApiRouter = OpenApiRouter<AppState>;

/// The contract's status for each meaning of the domain's errors.
pub fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::Invalid(_) => StatusCode::BAD_REQUEST,
        Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        Error::InsufficientFunds(_) => StatusCode::PAYMENT_REQUIRED,
        Error::Forbidden(_) | Error::PaymentNotAuthorized(_) => StatusCode::FORBIDDEN,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        Error::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The contract's error code for each meaning.
pub fn code_of(error: &Error) -> &'static str {
    match error {
        Error::Invalid(_) => "invalid_request",
        Error::Unauthorized(_) => "unauthorized",
        Error::InsufficientFunds(_) => "insufficient_funds",
        Error::Forbidden(_) => "forbidden",
        Error::PaymentNotAuthorized(_) => "payment_not_authorized",
        Error::NotFound(_) => "not_found",
        Error::Conflict(_) => "conflict",
        Error::PayloadTooLarge(_) => "payload_too_large",
        Error::RequestTimeout(_) => "request_timeout",
        Error::RateLimited { .. } => "rate_limited",
        Error::Unavailable(_) => "unavailable",
        Error::Internal(_) => "internal",
    }
}

/// A client error is an answer, never an `Err` out of the handler (API Gateway would turn that
/// into a 502). Internal details are logged here and never sent.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let document = openapi::ErrorBody::new(code_of(&self), self.public_message());
        let mut response = json_response(status_of(&self), &document);
        let retry_after = match self {
            Error::RateLimited {
                retry_after_secs, ..
            } => Some(retry_after_secs),
            Error::Unavailable(_) => Some(1),
            _ => None,
        };
        if let Some(retry_after_secs) = retry_after {
            // Limits are never silent: say when to come back.
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs.max(1)),
            );
        }
        response
    }
}

/// An error as the live channel shows it: an `error` frame with the contract's code.
pub fn error_signal(error: &Error) -> crate::domain::live::Signal {
    crate::domain::live::Signal::Error {
        code: code_of(error).to_string(),
        message: error.public_message(),
    }
}

/// The URL a live ticket is for: the configured one, or this server's own `/live`.
pub fn live_url(services: &Services, headers: &HeaderMap) -> String {
    match &services.config.live_url {
        Some(url) => url.clone(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            format!("ws://{host}/live")
        }
    }
}

/// A JSON answer with this status.
pub fn reply(status: StatusCode, body: &impl Serialize) -> Result<Response> {
    Ok(json_response(status, body))
}

/// 201 for something new, 200 for an idempotent retry that found the original.
pub fn created_or_found(created: bool, body: &impl Serialize) -> Result<Response> {
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    reply(status, body)
}

pub fn no_content() -> Result<Response> {
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(json) => {
            let mut response = Response::new(Body::from(json));
            *response.status_mut() = status;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "response not serializable");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// A function's routes made ready to serve: paths match exactly as on API Gateway (anything
/// else, a wrong method included, is the contract's 404), a declared body over the limit is
/// refused before it is read, and every request is logged without its body.
pub fn app(routes: ApiRouter, services: AppState) -> axum::Router {
    let (router, _openapi) = routes.split_for_parts();
    finish(router).with_state(services)
}

/// The fallbacks and layers of [`app`], for a router assembled elsewhere (chat-local).
pub fn finish(router: axum::Router<AppState>) -> axum::Router<AppState> {
    router
        .fallback(no_route)
        .method_not_allowed_fallback(no_route)
        .layer(axum::middleware::from_fn(refuse_declared_oversize))
        .layer(axum::middleware::from_fn(log_request))
}

/// The answer to a path no route serves, or a method it does not take: the contract's 404.
pub async fn no_route(request: Request) -> Error {
    Error::NotFound(format!(
        "no route for {} {}",
        request.method(),
        request.uri().path()
    ))
}

async fn refuse_declared_oversize(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if let Some(length) = declared.filter(|length| *length > MAX_BODY_BYTES as u64) {
        if length <= LINGER_BYTES as u64 {
            tokio::spawn(discard_body(request.into_body(), LINGER_BYTES));
        }
        return Error::PayloadTooLarge(MAX_BODY_BYTES).into_response();
    }
    next.run(request).await
}

/// A refused body up to this size is read and dropped while and after the 413 is sent: a server
/// that closes with unread bytes makes the kernel reset the connection, and the client may
/// lose the answer it was sent. Bigger ones are not read (a client sending that much gets a
/// reset).
pub(crate) const LINGER_BYTES: usize = 1024 * 1024;

/// Reads and drops up to `budget` bytes of a body, for at most 5 seconds, holding none of it.
pub(crate) async fn discard_body(body: axum::body::Body, budget: usize) {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut left = budget;
    let drain = async {
        while let Some(Ok(chunk)) = stream.next().await {
            match left.checked_sub(chunk.len()) {
                Some(rest) => left = rest,
                None => return,
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), drain).await;
}

async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}
