//! The OpenAPI document, generated from the handlers: each function contributes its routes,
//! and this module adds what every route shares (the bearer scheme, the error document and
//! the error statuses that the extractors can give).

use serde::Serialize;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, ToSchema};

use super::{ApiRouter, AppState};

/// The contract's error document: `{"error": {"code", "message"}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    #[schema(value_type = ErrorCode)]
    pub code: &'static str,
    /// For people; never parse it.
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: &'static str, message: String) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail { code, message },
        }
    }
}

/// Every error code of the contract.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // Only its schema is used; `ErrorDetail::code` carries the value.
pub enum ErrorCode {
    InvalidRequest,
    Unauthorized,
    InsufficientFunds,
    Forbidden,
    PaymentNotAuthorized,
    NotFound,
    Conflict,
    PayloadTooLarge,
    RequestTimeout,
    RateLimited,
    Unavailable,
    Internal,
}

/// A function of the deployment: its name (the Lambda's binary) and its routes.
pub struct Function {
    pub name: &'static str,
    pub routes: fn() -> ApiRouter,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Chat API",
        version = "2",
        description = "A real-time chat backend: accounts, groups, messages with at-least-once \
                       delivery, a group timer and charges. The guide is docs/API.md.",
        license(name = "MIT", identifier = "MIT")
    ),
    components(schemas(ErrorBody)),
    security(("bearer" = [])),
    modifiers(&BearerScheme)
)]
struct BaseDocument;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The `token` from `POST /sessions`: `Authorization: Bearer <token>`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Every function's routes in one router, and the one document describing them; each
/// operation is tagged with the function that serves it (the template is checked against that).
pub fn assemble(functions: &[Function]) -> (axum::Router<AppState>, OpenApi) {
    let mut all = ApiRouter::with_openapi(<BaseDocument as utoipa::OpenApi>::openapi());
    for function in functions {
        let mut routes = (function.routes)();
        for item in routes.get_openapi_mut().paths.paths.values_mut() {
            for operation in operations_mut(item) {
                operation.tags = Some(vec![function.name.to_string()]);
            }
        }
        all = all.merge(routes);
    }
    let (router, mut openapi) = all.split_for_parts();
    document_shared_errors(&mut openapi);
    (router, openapi)
}

pub fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
}

/// The refusals that come from the shared extractors rather than from a route's own rules,
/// and the error document on every 4xx.
fn document_shared_errors(openapi: &mut OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let has_path_parameters = operation.parameters.iter().flatten().any(|p| {
                matches!(p, RefOr::T(p) if p.parameter_in == utoipa::openapi::path::ParameterIn::Path)
            });
            let has_body = operation.request_body.is_some();
            let mut shared = vec![(
                "401",
                "The bearer token is missing, unknown, expired or logged out.",
            )];
            if has_parameters || has_body {
                shared.push((
                    "400",
                    "A parameter or the body is malformed or out of range.",
                ));
            }
            if has_path_parameters {
                shared.push((
                    "404",
                    "Not found, or not visible to the caller (a group they are not in).",
                ));
            }
            if has_body {
                shared.push(("413", "The body is larger than 64 KiB."));
            }
            for (status, description) in shared {
                operation
                    .responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| ResponseBuilder::new().description(description).into());
            }
            for (status, response) in operation.responses.responses.iter_mut() {
                if let (true, RefOr::T(response)) = (status.starts_with('4'), response) {
                    response.content.insert(
                        "application/json".to_string(),
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .into(),
                    );
                }
            }
        }
    }
}
