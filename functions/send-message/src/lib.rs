//! The send-message function: `POST /groups/{group_id}/messages`.

use axum::extract::State;
use axum::response::Response;
use chat_core::Result;
use chat_core::domain::message::Message;
use chat_core::domain::parse_id;
use chat_core::http::{ApiRouter, AppState, JsonBody, Path, created_or_found};
use chat_core::service::Caller;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    OpenApiRouter::new().routes(routes!(send_message))
}

#[derive(Deserialize, ToSchema)]
pub struct SendInput {
    /// 1 to 16,384 bytes of UTF-8.
    #[schema(min_length = 1)]
    text: String,
    /// Chosen by the sender's device, 1 to 64 characters: a retry with the same id returns
    /// the original message and stores nothing new.
    #[schema(min_length = 1, max_length = 64)]
    client_msg_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct MessageBody {
    pub message: Message,
}

/// Sends a message to a group: stored first (with the group's next `seq`), then delivered to
/// every member's sessions.
#[utoipa::path(
    post, path = "/groups/{group_id}/messages",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    request_body = SendInput,
    responses(
        (status = 201, description = "Stored and on its way", body = MessageBody),
        (status = 200, description = "A retry: the original message", body = MessageBody),
    ),
)]
async fn send_message(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    JsonBody(input): JsonBody<SendInput>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let appended = services
        .send_message(&caller, group_id, input.text, input.client_msg_id)
        .await?;
    created_or_found(
        appended.created,
        &MessageBody {
            message: appended.message,
        },
    )
}
