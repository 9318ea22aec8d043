//! The poll function: delivery and history.

use axum::extract::State;
use axum::response::Response;
use chat_core::Result;
use chat_core::domain::message::{HistoryPage, HistoryQuery};
use chat_core::domain::parse_id;
use chat_core::http::{ApiRouter, AppState, JsonBody, OptionalJsonBody, Path, Query, reply};
use chat_core::service::{Caller, PollInput, PollOutput};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    OpenApiRouter::new()
        .routes(routes!(poll))
        .routes(routes!(get_history))
        .routes(routes!(mark_read))
}

/// Long-polls the caller's own inbox: first deletes what `ack` names, then answers as soon as
/// events are waiting, or with none after `wait` seconds. Delivery is at least once.
#[utoipa::path(
    post, path = "/poll",
    request_body(content = Option<PollInput>, description = "May be empty: wait 20 s, ack nothing"),
    responses((status = 200, description = "The events, and the token that acknowledges them", body = PollOutput)),
)]
async fn poll(
    State(services): State<AppState>,
    caller: Caller,
    OptionalJsonBody(input): OptionalJsonBody<PollInput>,
) -> Result<Response> {
    let output = services.poll(&caller, input).await?;
    reply(StatusCode::OK, &output)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct HistoryParams {
    /// The oldest messages with a `seq` above this one.
    #[param(minimum = 0)]
    after: Option<i64>,
    /// The newest messages with a `seq` below this one.
    #[param(minimum = 0)]
    before: Option<i64>,
    /// Page size, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// A page of a group's history in ascending `seq`; neither `after` nor `before` gives the
/// newest messages.
#[utoipa::path(
    get, path = "/groups/{group_id}/messages",
    params(("group_id" = uuid::Uuid, Path, description = "The group"), HistoryParams),
    responses((status = 200, description = "A page of messages", body = HistoryPage)),
)]
async fn get_history(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    Query(params): Query<HistoryParams>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let query = HistoryQuery::new(params.after, params.before, params.limit)?;
    let page = services.history(&caller, group_id, query).await?;
    reply(StatusCode::OK, &page)
}

#[derive(Deserialize, ToSchema)]
pub struct ReadInput {
    /// The highest `seq` the caller has read.
    #[schema(minimum = 0)]
    seq: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ReadBody {
    /// The caller's read mark now: it never moves back, nor past the group's `last_seq`.
    read_seq: i64,
}

/// Moves the caller's read mark in a group.
#[utoipa::path(
    put, path = "/groups/{group_id}/read",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    request_body = ReadInput,
    responses((status = 200, description = "The read mark", body = ReadBody)),
)]
async fn mark_read(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    JsonBody(input): JsonBody<ReadInput>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let read_seq = services.mark_read(&caller, group_id, input.seq).await?;
    reply(StatusCode::OK, &ReadBody { read_seq })
}
