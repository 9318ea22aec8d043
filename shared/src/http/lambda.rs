//! The bridge between API Gateway (through lambda_http) and the routes.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use lambda_http::{Body, Request, Response, service_fn};

use super::{ApiRequest, ApiResponse, Routes, handle};
use crate::service::Services;

pub fn from_lambda(request: Request) -> ApiRequest {
    let (parts, body) = request.into_parts();
    let body = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(bytes) => Bytes::from(bytes),
        // Body is #[non_exhaustive]: a future kind of body is treated as none.
        _ => Bytes::new(),
    };
    ApiRequest {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts.headers,
        body,
    }
}

pub fn to_lambda(response: ApiResponse) -> Response<Body> {
    let mut builder = Response::builder().status(response.status);
    let body = match response.body {
        Some(json) => {
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
            Body::Text(String::from_utf8(json).unwrap_or_default())
        }
        None => Body::Empty,
    };
    builder
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::Empty))
}

/// Runs one API Gateway event through a function's routes.
pub async fn handle_event(
    routes: &dyn Routes,
    services: &Services,
    request: Request,
) -> Response<Body> {
    let request = from_lambda(request);
    let response = handle(&[routes], services, &request).await;
    tracing::info!(method = %request.method, path = %request.path, status = response.status.as_u16(), "request");
    to_lambda(response)
}

/// The Lambda runtime loop for one function. Handler errors never escape: API Gateway would
/// turn them into 502s.
pub async fn run(
    routes: &'static dyn Routes,
    services: Arc<Services>,
) -> Result<(), lambda_http::Error> {
    lambda_http::run(service_fn(move |request: Request| {
        let services = services.clone();
        async move { Ok::<_, Infallible>(handle_event(routes, &services, request).await) }
    }))
    .await
}
