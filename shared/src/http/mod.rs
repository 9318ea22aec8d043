//! HTTP plumbing every function shares: a plain request and response, JSON bodies with a size
//! limit, bearer tokens, and the one mapping from domain errors to the contract's error format.

pub mod lambda;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::domain::{Error, Id, Result, parse_id};
use crate::service::{Caller, Services};

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A request as a route sees it, whether it came from API Gateway or from chat-local.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl ApiRequest {
    /// The path's segments: `/groups/abc/messages` is `["groups", "abc", "messages"]`.
    pub fn segments(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }

    /// A query parameter, percent-decoded; the last one wins when repeated.
    pub fn query_param(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query.as_bytes())
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .last()
    }

    /// A query parameter parsed as an integer; 400 when it is not one.
    pub fn query_int<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>> {
        self.query_param(name)
            .map(|raw| {
                raw.parse::<T>()
                    .map_err(|_| Error::Invalid(format!("{name} must be a whole number")))
            })
            .transpose()
    }

    /// The token of an `Authorization: Bearer <token>` header.
    pub fn bearer(&self) -> Option<&str> {
        let value = self
            .headers
            .get(http::header::AUTHORIZATION)?
            .to_str()
            .ok()?;
        let (scheme, token) = value.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim())
            .filter(|t| !t.is_empty())
    }

    /// The JSON body. Read as JSON whatever the `content-type` says (clients often omit it);
    /// an empty body is a 400, as is anything malformed, with serde's reason.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(Error::Invalid("a JSON body is required".to_string()));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| Error::Invalid(format!("invalid JSON body: {e}")))
    }

    /// Like [`Self::json`], but an empty body means every field is absent.
    pub fn json_or_default<T: DeserializeOwned + Default>(&self) -> Result<T> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(T::default());
        }
        self.json()
    }
}

/// A path segment that must be an id.
pub fn path_id(field: &str, segment: &str) -> Result<Id> {
    parse_id(field, segment)
}

#[derive(Clone, Debug)]
pub struct ApiResponse {
    pub status: StatusCode,
    /// A JSON document, or nothing (204).
    pub body: Option<Vec<u8>>,
}

impl ApiResponse {
    pub fn json(status: u16, value: &impl Serialize) -> Result<ApiResponse> {
        let body = serde_json::to_vec(value).map_err(Error::internal)?;
        Ok(ApiResponse {
            status: StatusCode::from_u16(status).map_err(Error::internal)?,
            body: Some(body),
        })
    }

    pub fn no_content() -> ApiResponse {
        ApiResponse {
            status: StatusCode::NO_CONTENT,
            body: None,
        }
    }

    /// The contract's error document. Internal details are logged here and never sent.
    pub fn error(error: &Error) -> ApiResponse {
        if let Error::Internal(detail) = error {
            tracing::error!(%detail, "internal error");
        }
        let document = serde_json::json!({
            "error": { "code": error.code(), "message": error.public_message() }
        });
        ApiResponse {
            status: StatusCode::from_u16(error.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: Some(document.to_string().into_bytes()),
        }
    }
}

/// What a route returns: `None` when the request is not one of this function's routes.
pub type RouteOutcome = Option<Result<ApiResponse>>;

/// One function's routes.
#[async_trait]
pub trait Routes: Send + Sync {
    async fn route(&self, services: &Services, request: &ApiRequest) -> RouteOutcome;
}

/// Serves one request with the first set of routes that knows it: the body limit first,
/// then the route, and every error (including "no such route") in the contract's format.
pub async fn handle(
    routes: &[&dyn Routes],
    services: &Services,
    request: &ApiRequest,
) -> ApiResponse {
    if request.body.len() > MAX_BODY_BYTES {
        return ApiResponse::error(&Error::PayloadTooLarge(MAX_BODY_BYTES));
    }
    for set in routes {
        if let Some(outcome) = set.route(services, request).await {
            return outcome.unwrap_or_else(|e| ApiResponse::error(&e));
        }
    }
    ApiResponse::error(&Error::NotFound(format!(
        "no route for {} {}",
        request.method, request.path
    )))
}

impl Services {
    /// The caller of a request, from its bearer token.
    pub async fn caller(&self, request: &ApiRequest) -> Result<Caller> {
        self.authenticate(request.bearer()).await
    }
}
