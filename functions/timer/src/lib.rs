//! The timer function: a group's timer, driven by its owner, a provider member or an admin.

use axum::extract::State;
use axum::response::Response;
use chat_core::Result;
use chat_core::domain::parse_id;
use chat_core::domain::timer::{TimerView, Transition};
use chat_core::http::{ApiRouter, AppState, OptionalJsonBody, Path, reply};
use chat_core::service::{Caller, Services, StartTimerInput};
use http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    OpenApiRouter::new()
        .routes(routes!(get_timer))
        .routes(routes!(start_timer))
        .routes(routes!(pause_timer))
        .routes(routes!(resume_timer))
        .routes(routes!(stop_timer))
}

#[derive(Serialize, ToSchema)]
pub struct TimerBody {
    pub timer: TimerView,
}

/// The group's timer; its elapsed time is computed when read.
#[utoipa::path(
    get, path = "/groups/{group_id}/timer",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    responses((status = 200, description = "The timer", body = TimerBody)),
)]
async fn get_timer(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
) -> Result<Response> {
    let timer = services
        .timer(&caller, parse_id("group_id", &group_id)?)
        .await?;
    reply(StatusCode::OK, &TimerBody { timer })
}

/// Starts a new run from zero (from `idle` or `stopped`), optionally with a rate to charge by.
#[utoipa::path(
    post, path = "/groups/{group_id}/timer/start",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    request_body(content = Option<StartTimerInput>, description = "May be empty: no rate"),
    responses(
        (status = 200, description = "The running timer", body = TimerBody),
        (status = 403, description = "Not the group's owner, a provider member or an admin"),
        (status = 409, description = "Already running or paused, or another transition won"),
    ),
)]
async fn start_timer(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    OptionalJsonBody(input): OptionalJsonBody<StartTimerInput>,
) -> Result<Response> {
    drive(&services, &caller, &group_id, Transition::Start, input).await
}

/// Pauses a running timer.
#[utoipa::path(
    post, path = "/groups/{group_id}/timer/pause",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    responses(
        (status = 200, description = "The paused timer", body = TimerBody),
        (status = 403, description = "Not the group's owner, a provider member or an admin"),
        (status = 409, description = "Not running, or another transition won"),
    ),
)]
async fn pause_timer(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
) -> Result<Response> {
    drive(
        &services,
        &caller,
        &group_id,
        Transition::Pause,
        Default::default(),
    )
    .await
}

/// Resumes a paused timer.
#[utoipa::path(
    post, path = "/groups/{group_id}/timer/resume",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    responses(
        (status = 200, description = "The running timer", body = TimerBody),
        (status = 403, description = "Not the group's owner, a provider member or an admin"),
        (status = 409, description = "Not paused, or another transition won"),
    ),
)]
async fn resume_timer(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
) -> Result<Response> {
    drive(
        &services,
        &caller,
        &group_id,
        Transition::Resume,
        Default::default(),
    )
    .await
}

/// Stops a running or paused timer; a stopped run can be charged (`from_timer`).
#[utoipa::path(
    post, path = "/groups/{group_id}/timer/stop",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    responses(
        (status = 200, description = "The stopped timer", body = TimerBody),
        (status = 403, description = "Not the group's owner, a provider member or an admin"),
        (status = 409, description = "Neither running nor paused, or another transition won"),
    ),
)]
async fn stop_timer(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
) -> Result<Response> {
    drive(
        &services,
        &caller,
        &group_id,
        Transition::Stop,
        Default::default(),
    )
    .await
}

async fn drive(
    services: &Services,
    caller: &Caller,
    group_id: &str,
    transition: Transition,
    input: StartTimerInput,
) -> Result<Response> {
    let group_id = parse_id("group_id", group_id)?;
    let timer = services
        .drive_timer(caller, group_id, transition, input.rate)
        .await?;
    reply(StatusCode::OK, &TimerBody { timer })
}
