//! The send-message function: sending messages, and changing them once sent (edit, delete,
//! reactions).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chat_core::domain::message::Message;
use chat_core::domain::parse_id;
use chat_core::http::{ApiRouter, AppState, JsonBody, Path, created_or_found, no_content, reply};
use chat_core::service::{AttachmentGrant, AttachmentInput, Caller, SendMessageInput};
use chat_core::{Error, Result};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    OpenApiRouter::new()
        .routes(routes!(send_message))
        .routes(routes!(edit_message, delete_message))
        .routes(routes!(add_reaction, remove_reaction))
        .routes(routes!(create_attachment))
}

/// Announces a file for the group and answers where to upload it: a `PUT` of exactly `size`
/// bytes to `upload.url` with `upload.headers`, no bearer token, within 15 minutes. A send
/// then names it in `attachments`.
#[utoipa::path(
    post, path = "/groups/{group_id}/attachments",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    request_body = AttachmentInput,
    responses(
        (status = 201, description = "The attachment and how to upload it", body = AttachmentGrant),
        (status = 400, description = "A bad file name, a type not allowed, or a size of 0 or over the limit"),
        (status = 404, description = "No such group, or not a member"),
    ),
)]
async fn create_attachment(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    JsonBody(input): JsonBody<AttachmentInput>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let grant = services.create_attachment(&caller, group_id, input).await?;
    reply(StatusCode::CREATED, &grant)
}

#[derive(Serialize, ToSchema)]
pub struct MessageBody {
    pub message: Message,
}

#[derive(Deserialize, ToSchema)]
pub struct EditInput {
    /// The new text: 1 to 16,384 bytes of UTF-8.
    #[schema(min_length = 1)]
    text: String,
}

fn parse_seq(raw: &str) -> Result<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|seq| *seq >= 1)
        .ok_or_else(|| Error::Invalid("seq must be a whole number of 1 or more".to_string()))
}

/// Sends a message to a group: stored first (with the group's next `seq`), then delivered to
/// every member's sessions.
#[utoipa::path(
    post, path = "/groups/{group_id}/messages",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    request_body = SendMessageInput,
    responses(
        (status = 201, description = "Stored and on its way", body = MessageBody),
        (status = 200, description = "A retry: the original message", body = MessageBody),
        (status = 400, description = "A bad text or client_msg_id, or reply_to names no message of the group"),
    ),
)]
async fn send_message(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    JsonBody(input): JsonBody<SendMessageInput>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let appended = services.send_message(&caller, group_id, input).await?;
    created_or_found(
        appended.created,
        &MessageBody {
            message: appended.message,
        },
    )
}

/// Changes a message's text: its sender only. The same text again is 200 and changes nothing.
#[utoipa::path(
    patch, path = "/groups/{group_id}/messages/{seq}",
    params(
        ("group_id" = uuid::Uuid, Path, description = "The group"),
        ("seq" = i64, Path, description = "The message's seq"),
    ),
    request_body = EditInput,
    responses(
        (status = 200, description = "The message as it is now, with `edited_at`", body = MessageBody),
        (status = 403, description = "Not the message's sender"),
        (status = 404, description = "No such group (or not a member), or no such message"),
        (status = 409, description = "The message is deleted"),
    ),
)]
async fn edit_message(
    State(services): State<AppState>,
    caller: Caller,
    Path((group_id, seq)): Path<(String, String)>,
    JsonBody(input): JsonBody<EditInput>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let message = services
        .edit_message(&caller, group_id, parse_seq(&seq)?, input.text)
        .await?;
    reply(StatusCode::OK, &MessageBody { message })
}

/// Deletes a message: its sender, the group's owner, or an admin. History keeps its `seq` as
/// a tombstone (`deleted: true`, no text).
#[utoipa::path(
    delete, path = "/groups/{group_id}/messages/{seq}",
    params(
        ("group_id" = uuid::Uuid, Path, description = "The group"),
        ("seq" = i64, Path, description = "The message's seq"),
    ),
    responses(
        (status = 204, description = "Deleted (or deleted already)"),
        (status = 403, description = "Neither its sender, the group's owner nor an admin"),
        (status = 404, description = "No such group (or not a member), or no such message"),
    ),
)]
async fn delete_message(
    State(services): State<AppState>,
    caller: Caller,
    Path((group_id, seq)): Path<(String, String)>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    services
        .delete_message(&caller, group_id, parse_seq(&seq)?)
        .await?;
    no_content()
}

/// Reacts to a message with one emoji; reacting again changes nothing.
#[utoipa::path(
    put, path = "/groups/{group_id}/messages/{seq}/reactions/{emoji}",
    params(
        ("group_id" = uuid::Uuid, Path, description = "The group"),
        ("seq" = i64, Path, description = "The message's seq"),
        ("emoji" = String, Path, description = "One emoji (percent-encoded), at most 16 bytes"),
    ),
    responses(
        (status = 200, description = "The message with its reactions", body = MessageBody),
        (status = 400, description = "Not one emoji"),
        (status = 404, description = "No such group (or not a member), or no such message"),
        (status = 409, description = "The message is deleted, or has 20 different reactions already"),
    ),
)]
async fn add_reaction(
    State(services): State<AppState>,
    caller: Caller,
    Path((group_id, seq, emoji)): Path<(String, String, String)>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let message = services
        .react(&caller, group_id, parse_seq(&seq)?, &emoji, true)
        .await?;
    reply(StatusCode::OK, &MessageBody { message })
}

/// Takes the caller's reaction back; taking back one never made changes nothing.
#[utoipa::path(
    delete, path = "/groups/{group_id}/messages/{seq}/reactions/{emoji}",
    params(
        ("group_id" = uuid::Uuid, Path, description = "The group"),
        ("seq" = i64, Path, description = "The message's seq"),
        ("emoji" = String, Path, description = "One emoji (percent-encoded), at most 16 bytes"),
    ),
    responses(
        (status = 204, description = "Taken back (or never there)"),
        (status = 400, description = "Not one emoji"),
        (status = 404, description = "No such group (or not a member), or no such message"),
        (status = 409, description = "The message is deleted"),
    ),
)]
async fn remove_reaction(
    State(services): State<AppState>,
    caller: Caller,
    Path((group_id, seq, emoji)): Path<(String, String, String)>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    services
        .react(&caller, group_id, parse_seq(&seq)?, &emoji, false)
        .await?;
    no_content()
}
