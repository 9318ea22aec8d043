//! The group-manage function: groups, direct chats and their members.
//! `POST /groups`, `GET /groups`, `GET /groups/{group_id}`, `PATCH /groups/{group_id}`,
//! `POST /groups/{group_id}/members`, `DELETE /groups/{group_id}/members/{user_id}`.

use async_trait::async_trait;
use chat_core::Result;
use chat_core::http::{ApiRequest, ApiResponse, RouteOutcome, Routes, path_id};
use chat_core::service::{AddMemberInput, CreateGroupInput, Services};
use serde::Deserialize;
use serde_json::json;

pub struct GroupManage;

#[async_trait]
impl Routes for GroupManage {
    async fn route(&self, services: &Services, request: &ApiRequest) -> RouteOutcome {
        let segments = request.segments();
        Some(match (request.method.as_str(), segments.as_slice()) {
            ("POST", ["groups"]) => create(services, request).await,
            ("GET", ["groups"]) => list(services, request).await,
            ("GET", ["groups", group_id]) => detail(services, request, group_id).await,
            ("PATCH", ["groups", group_id]) => rename(services, request, group_id).await,
            ("POST", ["groups", group_id, "members"]) => {
                add_member(services, request, group_id).await
            }
            ("DELETE", ["groups", group_id, "members", user_id]) => {
                remove_member(services, request, group_id, user_id).await
            }
            _ => return None,
        })
    }
}

async fn create(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let input: CreateGroupInput = request.json()?;
    let (group, created) = services.create_group(&caller, input).await?;
    ApiResponse::json(if created { 201 } else { 200 }, &json!({ "group": group }))
}

async fn list(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let groups = services.list_groups(&caller).await?;
    ApiResponse::json(200, &json!({ "groups": groups }))
}

async fn detail(services: &Services, request: &ApiRequest, group_id: &str) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let group = services
        .group_detail(&caller, path_id("group_id", group_id)?)
        .await?;
    ApiResponse::json(200, &json!({ "group": group }))
}

#[derive(Deserialize)]
struct RenameInput {
    name: String,
}

async fn rename(services: &Services, request: &ApiRequest, group_id: &str) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let group_id = path_id("group_id", group_id)?;
    let input: RenameInput = request.json()?;
    let group = services
        .rename_group(&caller, group_id, &input.name)
        .await?;
    ApiResponse::json(200, &json!({ "group": group }))
}

async fn add_member(
    services: &Services,
    request: &ApiRequest,
    group_id: &str,
) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let group_id = path_id("group_id", group_id)?;
    let input: AddMemberInput = request.json()?;
    let member = services.add_member(&caller, group_id, input).await?;
    ApiResponse::json(201, &json!({ "member": member }))
}

async fn remove_member(
    services: &Services,
    request: &ApiRequest,
    group_id: &str,
    user_id: &str,
) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let group_id = path_id("group_id", group_id)?;
    let user_id = path_id("user_id", user_id)?;
    services.remove_member(&caller, group_id, user_id).await?;
    Ok(ApiResponse::no_content())
}
