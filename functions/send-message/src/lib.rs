//! The send-message function: `POST /groups/{group_id}/messages`.

use async_trait::async_trait;
use chat_core::Result;
use chat_core::http::{ApiRequest, ApiResponse, RouteOutcome, Routes, path_id};
use chat_core::service::Services;
use serde::Deserialize;
use serde_json::json;

pub struct SendMessage;

#[async_trait]
impl Routes for SendMessage {
    async fn route(&self, services: &Services, request: &ApiRequest) -> RouteOutcome {
        let segments = request.segments();
        Some(match (request.method.as_str(), segments.as_slice()) {
            ("POST", ["groups", group_id, "messages"]) => send(services, request, group_id).await,
            _ => return None,
        })
    }
}

#[derive(Deserialize)]
struct SendInput {
    text: String,
    client_msg_id: String,
}

async fn send(services: &Services, request: &ApiRequest, group_id: &str) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let group_id = path_id("group_id", group_id)?;
    let input: SendInput = request.json()?;
    let appended = services
        .send_message(&caller, group_id, input.text, input.client_msg_id)
        .await?;
    let status = if appended.created { 201 } else { 200 };
    ApiResponse::json(status, &json!({ "message": appended.message }))
}
