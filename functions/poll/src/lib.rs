//! The poll function: delivery and history.
//! `POST /poll`, `GET /groups/{group_id}/messages`, `PUT /groups/{group_id}/read`.

use async_trait::async_trait;
use chat_core::Result;
use chat_core::domain::message::HistoryQuery;
use chat_core::http::{ApiRequest, ApiResponse, RouteOutcome, Routes, path_id};
use chat_core::service::{PollInput, Services};
use serde::Deserialize;
use serde_json::json;

pub struct Poll;

#[async_trait]
impl Routes for Poll {
    async fn route(&self, services: &Services, request: &ApiRequest) -> RouteOutcome {
        let segments = request.segments();
        Some(match (request.method.as_str(), segments.as_slice()) {
            ("POST", ["poll"]) => poll(services, request).await,
            ("GET", ["groups", group_id, "messages"]) => history(services, request, group_id).await,
            ("PUT", ["groups", group_id, "read"]) => mark_read(services, request, group_id).await,
            _ => return None,
        })
    }
}

async fn poll(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let input: PollInput = request.json_or_default()?;
    let output = services.poll(&caller, input).await?;
    ApiResponse::json(200, &output)
}

async fn history(services: &Services, request: &ApiRequest, group_id: &str) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let group_id = path_id("group_id", group_id)?;
    let query = HistoryQuery::new(
        request.query_int("after")?,
        request.query_int("before")?,
        request.query_int("limit")?,
    )?;
    let page = services.history(&caller, group_id, query).await?;
    ApiResponse::json(200, &page)
}

#[derive(Deserialize)]
struct ReadInput {
    seq: i64,
}

async fn mark_read(
    services: &Services,
    request: &ApiRequest,
    group_id: &str,
) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let group_id = path_id("group_id", group_id)?;
    let input: ReadInput = request.json()?;
    let read_seq = services.mark_read(&caller, group_id, input.seq).await?;
    ApiResponse::json(200, &json!({ "read_seq": read_seq }))
}
