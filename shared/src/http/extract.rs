//! Typed extractors whose every refusal is the contract's error document: the caller from the
//! bearer token, JSON bodies (objects only, 64 KiB), path segments and query strings.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use futures_util::StreamExt;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::{AppState, LINGER_BYTES, MAX_BODY_BYTES, bearer};
use crate::domain::{Error, Result};
use crate::service::Caller;

/// The caller of a request, from its bearer token: 401 when it is missing or not valid.
impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, services: &AppState) -> Result<Caller> {
        services.authenticate(bearer(&parts.headers)).await
    }
}

/// Where a request comes from, for limits and logs. chat-local knows its peer (the socket's
/// address, in the request's `ConnectInfo`). Behind API Gateway the last `X-Forwarded-For`
/// entry is the address API Gateway saw: entries before it are the client's own claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<ClientAddress> {
        if let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            return Ok(ClientAddress(peer.ip().to_string()));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .rfind(|entry| !entry.is_empty());
        Ok(ClientAddress(
            forwarded.unwrap_or("unknown").chars().take(64).collect(),
        ))
    }
}

/// A required JSON object body. Read as JSON whatever the `content-type` says (clients often
/// omit it). Empty, malformed, cut short or not an object (an array would otherwise fill a
/// struct field by field): 400 with the reason; over 64 KiB: 413.
pub struct JsonBody<T>(pub T);

/// Like [`JsonBody`], but an empty body (or `null`) means every field is absent.
pub struct OptionalJsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(request: Request, _state: &S) -> Result<Self> {
        let body = read_body(request).await?;
        if is_blank(&body) {
            return Err(Error::Invalid("a JSON body is required".to_string()));
        }
        parse_object(&body).map(JsonBody)
    }
}

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = Error;

    async fn from_request(request: Request, _state: &S) -> Result<Self> {
        let body = read_body(request).await?;
        if is_blank(&body) || body.trim_ascii() == b"null" {
            return Ok(OptionalJsonBody(T::default()));
        }
        parse_object(&body).map(OptionalJsonBody)
    }
}

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

fn parse_object<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(Error::Invalid("the body must be a JSON object".to_string()));
    }
    serde_json::from_slice(body).map_err(|e| Error::Invalid(format!("invalid JSON body: {e}")))
}

/// How long a body may take to arrive, once its headers have: a request extension, which
/// chat-local sets from its command line; 30 s without one (a Lambda's body has arrived).
#[derive(Clone, Copy, Debug)]
pub struct BodyReadTimeout(pub std::time::Duration);

/// The whole body, refusing more than the limit as soon as it is passed (never buffering it),
/// and a body that does not arrive in time (408).
async fn read_body(request: Request) -> Result<Vec<u8>> {
    let limit = request
        .extensions()
        .get::<BodyReadTimeout>()
        .map_or(std::time::Duration::from_secs(30), |t| t.0);
    tokio::time::timeout(limit, read_body_now(request))
        .await
        .map_err(|_| {
            Error::RequestTimeout(format!(
                "the request body did not arrive within {} s",
                limit.as_secs()
            ))
        })?
}

async fn read_body_now(request: Request) -> Result<Vec<u8>> {
    let mut stream = request.into_body().into_data_stream();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            Error::Invalid("the request body could not be read in full".to_string())
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            // Drop the rest (bounded) so that the 413 reaches the client; see LINGER_BYTES.
            let rest = axum::body::Body::from_stream(stream);
            tokio::spawn(super::discard_body(rest, LINGER_BYTES - MAX_BODY_BYTES));
            return Err(Error::PayloadTooLarge(MAX_BODY_BYTES));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Path segments, with a 400 in the contract's format when they do not fit.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|rejection| Error::Invalid(rejection.body_text()))
    }
}

/// The query string, with a 400 in the contract's format when it does not fit.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection| Error::Invalid(rejection.body_text()))
    }
}
