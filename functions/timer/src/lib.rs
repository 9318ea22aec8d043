//! The timer function: a group's timer.
//! `GET /groups/{group_id}/timer`, `POST /groups/{group_id}/timer/{start|pause|resume|stop}`.

use async_trait::async_trait;
use chat_core::Result;
use chat_core::domain::timer::Transition;
use chat_core::http::{ApiRequest, ApiResponse, RouteOutcome, Routes, path_id};
use chat_core::service::{Services, StartTimerInput};
use serde_json::json;

pub struct Timer;

#[async_trait]
impl Routes for Timer {
    async fn route(&self, services: &Services, request: &ApiRequest) -> RouteOutcome {
        let segments = request.segments();
        let transition = match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["groups", group_id, "timer"]) => {
                return Some(show(services, request, group_id).await);
            }
            ("POST", ["groups", _, "timer", "start"]) => Transition::Start,
            ("POST", ["groups", _, "timer", "pause"]) => Transition::Pause,
            ("POST", ["groups", _, "timer", "resume"]) => Transition::Resume,
            ("POST", ["groups", _, "timer", "stop"]) => Transition::Stop,
            _ => return None,
        };
        Some(drive(services, request, segments[1], transition).await)
    }
}

async fn show(services: &Services, request: &ApiRequest, group_id: &str) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let timer = services
        .timer(&caller, path_id("group_id", group_id)?)
        .await?;
    ApiResponse::json(200, &json!({ "timer": timer }))
}

async fn drive(
    services: &Services,
    request: &ApiRequest,
    group_id: &str,
    transition: Transition,
) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let group_id = path_id("group_id", group_id)?;
    // Only a start takes a body (an optional rate); the others ignore theirs.
    let rate = match transition {
        Transition::Start => request.json_or_default::<StartTimerInput>()?.rate,
        _ => None,
    };
    let timer = services
        .drive_timer(&caller, group_id, transition, rate)
        .await?;
    ApiResponse::json(200, &json!({ "timer": timer }))
}
