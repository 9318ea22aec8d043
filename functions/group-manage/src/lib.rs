//! The group-manage function: groups, direct chats and their members.

use axum::extract::State;
use axum::response::Response;
use chat_core::Result;
use chat_core::domain::group::{Group, GroupDetail, GroupSummary, Member};
use chat_core::domain::page::PageQuery;
use chat_core::domain::parse_id;
use chat_core::http::{
    ApiRouter, AppState, JsonBody, Path, Query, created_or_found, no_content, reply,
};
use chat_core::service::{AddMemberInput, Caller, CreateGroupInput};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    OpenApiRouter::new()
        .routes(routes!(create_group, list_groups))
        .routes(routes!(get_group, rename_group))
        .routes(routes!(add_member))
        .routes(routes!(hide_group, unhide_group))
        .routes(routes!(remove_member))
}

#[derive(Serialize, ToSchema)]
pub struct GroupBody {
    pub group: Group,
}

#[derive(Serialize, ToSchema)]
pub struct GroupDetailBody {
    pub group: GroupDetail,
}

#[derive(Serialize, ToSchema)]
pub struct GroupsBody {
    /// A page of the caller's groups and direct chats, newest first.
    pub groups: Vec<GroupSummary>,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberBody {
    pub member: Member,
}

/// Creates a group, or a direct chat (one per pair of users: asking again returns it).
#[utoipa::path(
    post, path = "/groups",
    request_body = CreateGroupInput,
    responses(
        (status = 201, description = "The new group and its members", body = GroupDetailBody),
        (status = 200, description = "The direct chat that already exists", body = GroupDetailBody),
        (status = 404, description = "A member id is no user"),
    ),
)]
async fn create_group(
    State(services): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<CreateGroupInput>,
) -> Result<Response> {
    let (group, created) = services.create_group(&caller, input).await?;
    created_or_found(created, &GroupDetailBody { group })
}

/// The caller's groups, a page at a time, with the last `seq`, the read mark and the unread
/// count of each.
#[utoipa::path(
    get, path = "/groups",
    params(PageQuery),
    responses((status = 200, description = "A page of the caller's groups", body = GroupsBody)),
)]
async fn list_groups(
    State(services): State<AppState>,
    caller: Caller,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let page = services.list_groups(&caller, &query).await?;
    reply(
        StatusCode::OK,
        &GroupsBody {
            groups: page.items,
            next_cursor: page.next,
        },
    )
}

/// A group with its members.
#[utoipa::path(
    get, path = "/groups/{group_id}",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    responses((status = 200, description = "The group and its members", body = GroupDetailBody)),
)]
async fn get_group(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
) -> Result<Response> {
    let group = services
        .group_detail(&caller, parse_id("group_id", &group_id)?)
        .await?;
    reply(StatusCode::OK, &GroupDetailBody { group })
}

#[derive(Deserialize, ToSchema)]
pub struct RenameInput {
    /// 1 to 100 characters.
    name: String,
}

/// Renames a group (its owner or an admin).
#[utoipa::path(
    patch, path = "/groups/{group_id}",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    request_body = RenameInput,
    responses(
        (status = 200, description = "The renamed group", body = GroupBody),
        (status = 403, description = "Neither the group's owner nor an admin"),
        (status = 409, description = "A direct chat has no name"),
    ),
)]
async fn rename_group(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    JsonBody(input): JsonBody<RenameInput>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let group = services
        .rename_group(&caller, group_id, &input.name)
        .await?;
    reply(StatusCode::OK, &GroupBody { group })
}

/// Adds a member (the group's owner or an admin; not to a direct chat).
#[utoipa::path(
    post, path = "/groups/{group_id}/members",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    request_body = AddMemberInput,
    responses(
        (status = 201, description = "The new member", body = MemberBody),
        (status = 403, description = "Neither the group's owner nor an admin"),
        (status = 409, description = "Already a member, a direct chat, or the group is full"),
    ),
)]
async fn add_member(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
    JsonBody(input): JsonBody<AddMemberInput>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let member = services.add_member(&caller, group_id, input).await?;
    reply(StatusCode::CREATED, &MemberBody { member })
}

/// Removes a member: the group's owner, an admin, or the member itself (leaving).
#[utoipa::path(
    delete, path = "/groups/{group_id}/members/{user_id}",
    params(
        ("group_id" = uuid::Uuid, Path, description = "The group"),
        ("user_id" = uuid::Uuid, Path, description = "The member"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not allowed to remove that member"),
        (status = 409, description = "Members cannot leave a direct chat"),
    ),
)]
async fn remove_member(
    State(services): State<AppState>,
    caller: Caller,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Result<Response> {
    let group_id = parse_id("group_id", &group_id)?;
    let user_id = parse_id("user_id", &user_id)?;
    services.remove_member(&caller, group_id, user_id).await?;
    no_content()
}

/// Hides a chat from the caller's `GET /groups` until a newer message arrives in it (or it
/// is shown again, or opened again with `POST /groups`). Membership is unchanged.
#[utoipa::path(
    put, path = "/groups/{group_id}/hidden",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    responses((status = 204, description = "Hidden")),
)]
async fn hide_group(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
) -> Result<Response> {
    services
        .hide_group(&caller, parse_id("group_id", &group_id)?)
        .await?;
    no_content()
}

/// Shows a hidden chat in the caller's `GET /groups` again.
#[utoipa::path(
    delete, path = "/groups/{group_id}/hidden",
    params(("group_id" = uuid::Uuid, Path, description = "The group")),
    responses((status = 204, description = "Shown")),
)]
async fn unhide_group(
    State(services): State<AppState>,
    caller: Caller,
    Path(group_id): Path<String>,
) -> Result<Response> {
    services
        .unhide_group(&caller, parse_id("group_id", &group_id)?)
        .await?;
    no_content()
}
