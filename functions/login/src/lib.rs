//! The login function: accounts and sessions.
//! `POST /users`, `POST /sessions`, `DELETE /sessions/current`, `GET /me`,
//! `GET /users/{user_id}`, `GET /users?username=NAME`.

use async_trait::async_trait;
use chat_core::domain::user::Role;
use chat_core::http::{ApiRequest, ApiResponse, RouteOutcome, Routes, path_id};
use chat_core::service::{LoginInput, Services, SignUpInput};
use chat_core::{Error, Result};
use serde_json::json;

pub struct Login;

#[async_trait]
impl Routes for Login {
    async fn route(&self, services: &Services, request: &ApiRequest) -> RouteOutcome {
        let segments = request.segments();
        Some(match (request.method.as_str(), segments.as_slice()) {
            ("POST", ["users"]) => sign_up(services, request).await,
            ("GET", ["users"]) => find_users(services, request).await,
            ("GET", ["users", user_id]) => get_user(services, request, user_id).await,
            ("POST", ["sessions"]) => login(services, request).await,
            ("DELETE", ["sessions", "current"]) => logout(services, request).await,
            ("GET", ["me"]) => me(services, request).await,
            _ => return None,
        })
    }
}

async fn sign_up(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let input: SignUpInput = request.json()?;
    // Only a privileged role needs to know who asks; a plain sign-up ignores any token.
    let creator = match input.role {
        Some(role) if role != Role::Member && request.bearer().is_some() => {
            Some(services.caller(request).await?)
        }
        _ => None,
    };
    let user = services.sign_up(creator.as_ref(), input).await?;
    ApiResponse::json(201, &json!({ "user": user }))
}

async fn login(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let input: LoginInput = request.json()?;
    let output = services.login(input).await?;
    ApiResponse::json(201, &output)
}

async fn logout(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    services.logout(&caller).await?;
    Ok(ApiResponse::no_content())
}

async fn me(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    ApiResponse::json(
        200,
        &json!({ "user": caller.user, "session": caller.session }),
    )
}

async fn get_user(services: &Services, request: &ApiRequest, user_id: &str) -> Result<ApiResponse> {
    services.caller(request).await?;
    let user = services.user(path_id("user_id", user_id)?).await?;
    ApiResponse::json(200, &json!({ "user": user }))
}

async fn find_users(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    services.caller(request).await?;
    let username = request
        .query_param("username")
        .ok_or_else(|| Error::Invalid("the username query parameter is required".to_string()))?;
    let users = services.find_users(&username).await?;
    ApiResponse::json(200, &json!({ "users": users }))
}
