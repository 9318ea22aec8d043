//! The login function: accounts and sessions.

use axum::extract::State;
use axum::response::Response;
use chat_core::Result;
use chat_core::domain::live::TicketGrant;
use chat_core::domain::parse_id;
use chat_core::domain::session::Session;
use chat_core::domain::user::{Role, User};
use chat_core::http::{
    ApiRouter, AppState, ClientAddress, JsonBody, Path, Query, bearer, live_url, no_content, reply,
};
use chat_core::service::{Caller, LoginInput, LoginOutput, SignUpInput};
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    OpenApiRouter::new()
        .routes(routes!(sign_up, find_users))
        .routes(routes!(get_user))
        .routes(routes!(log_in, log_out_everywhere))
        .routes(routes!(log_out))
        .routes(routes!(get_me))
        .routes(routes!(create_live_ticket))
        .routes(routes!(list_blocks))
        .routes(routes!(block_user, unblock_user))
}

#[derive(Serialize, ToSchema)]
pub struct BlocksBody {
    /// The users the caller blocked, by username.
    pub blocks: Vec<User>,
}

#[derive(Serialize, ToSchema)]
pub struct UserBody {
    pub user: User,
}

#[derive(Serialize, ToSchema)]
pub struct UsersBody {
    /// Zero or one user: the match is exact (ignoring case).
    pub users: Vec<User>,
}

#[derive(Serialize, ToSchema)]
pub struct MeBody {
    pub user: User,
    pub session: Session,
}

/// Creates an account. A role other than `member` needs an admin's token.
#[utoipa::path(
    post, path = "/users",
    request_body = SignUpInput,
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "The new account", body = UserBody),
        (status = 403, description = "A privileged role without an admin's token"),
        (status = 409, description = "The username is taken, ignoring case"),
        (status = 429, description = "Too many sign-ups and log-ins at once (password hashing is bounded); retry after `Retry-After` seconds"),
    ),
)]
async fn sign_up(
    State(services): State<AppState>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<SignUpInput>,
) -> Result<Response> {
    // Only a privileged role needs to know who asks; a plain sign-up ignores any token.
    let creator = match (input.role, bearer(&headers)) {
        (Some(role), Some(token)) if role != Role::Member => {
            Some(services.authenticate(Some(token)).await?)
        }
        _ => None,
    };
    let user = services.sign_up(creator.as_ref(), input).await?;
    reply(StatusCode::CREATED, &UserBody { user })
}

/// Logs in: a new session (one per device) and its bearer token.
#[utoipa::path(
    post, path = "/sessions",
    request_body = LoginInput,
    security(()),
    responses(
        (status = 201, description = "The session and its token", body = LoginOutput),
        (status = 429, description = "Too many log-ins at once (password hashing is bounded), or too many failed log-ins of this username or from this address in the current window; retry after `Retry-After` seconds"),
    ),
)]
async fn log_in(
    State(services): State<AppState>,
    ClientAddress(client): ClientAddress,
    JsonBody(input): JsonBody<LoginInput>,
) -> Result<Response> {
    let output = services.login(input, &client).await?;
    reply(StatusCode::CREATED, &output)
}

/// Logs out everywhere: ends every session of the caller, this one included (a lost phone,
/// a changed mind). Their tokens are refused from now on and their live connections close.
#[utoipa::path(
    delete, path = "/sessions",
    responses((status = 204, description = "Every session of the caller is ended")),
)]
async fn log_out_everywhere(State(services): State<AppState>, caller: Caller) -> Result<Response> {
    services.logout_everywhere(&caller).await?;
    no_content()
}

/// Logs out: ends the caller's session (this device only) and deletes its inbox.
#[utoipa::path(
    delete, path = "/sessions/current",
    responses((status = 204, description = "The session is ended")),
)]
async fn log_out(State(services): State<AppState>, caller: Caller) -> Result<Response> {
    services.logout(&caller).await?;
    no_content()
}

/// The caller's account and session.
#[utoipa::path(
    get, path = "/me",
    responses((status = 200, description = "Who is asking", body = MeBody)),
)]
async fn get_me(caller: Caller) -> Result<Response> {
    reply(
        StatusCode::OK,
        &MeBody {
            user: caller.user,
            session: caller.session,
        },
    )
}

/// One user's public profile.
#[utoipa::path(
    get, path = "/users/{user_id}",
    params(("user_id" = uuid::Uuid, Path, description = "The user's id")),
    responses((status = 200, description = "The user", body = UserBody)),
)]
async fn get_user(
    State(services): State<AppState>,
    _caller: Caller,
    Path(user_id): Path<String>,
) -> Result<Response> {
    let user = services.user(parse_id("user_id", &user_id)?).await?;
    reply(StatusCode::OK, &UserBody { user })
}

/// A single-use ticket, valid 30 s, that opens the live channel (a WebSocket at `url`,
/// `?ticket=<ticket>`) for the caller's session. Tokens never go into URLs; tickets do.
#[utoipa::path(
    post, path = "/live/tickets",
    responses((status = 201, description = "The ticket and where to use it", body = TicketGrant)),
)]
async fn create_live_ticket(
    State(services): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response> {
    let url = live_url(&services, &headers);
    let grant = services.issue_ticket(&caller, url).await?;
    reply(StatusCode::CREATED, &grant)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FindUsersQuery {
    /// The exact username, matched ignoring case.
    username: String,
}

/// Finds a user by username.
#[utoipa::path(
    get, path = "/users",
    params(FindUsersQuery),
    responses((status = 200, description = "The user with that name, if any", body = UsersBody)),
)]
async fn find_users(
    State(services): State<AppState>,
    _caller: Caller,
    Query(query): Query<FindUsersQuery>,
) -> Result<Response> {
    let users = services.find_users(&query.username).await?;
    reply(StatusCode::OK, &UsersBody { users })
}

/// The users the caller blocked.
#[utoipa::path(
    get, path = "/blocks",
    responses((status = 200, description = "The blocked users", body = BlocksBody)),
)]
async fn list_blocks(State(services): State<AppState>, caller: Caller) -> Result<Response> {
    let blocks = services.blocked_users(&caller).await?;
    reply(StatusCode::OK, &BlocksBody { blocks })
}

/// Blocks a user: they can no longer add the caller to a group, open a direct chat with the
/// caller, or message the caller in one (403, without saying why). Idempotent.
#[utoipa::path(
    put, path = "/blocks/{user_id}",
    params(("user_id" = uuid::Uuid, Path, description = "Whom to block")),
    responses(
        (status = 204, description = "Blocked"),
        (status = 409, description = "The caller has blocked as many users as allowed (1,000)"),
    ),
)]
async fn block_user(
    State(services): State<AppState>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> Result<Response> {
    services
        .block_user(&caller, parse_id("user_id", &user_id)?)
        .await?;
    no_content()
}

/// Unblocks a user. Idempotent.
#[utoipa::path(
    delete, path = "/blocks/{user_id}",
    params(("user_id" = uuid::Uuid, Path, description = "Whom to unblock")),
    responses((status = 204, description = "Not blocked (any more)")),
)]
async fn unblock_user(
    State(services): State<AppState>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> Result<Response> {
    services
        .unblock_user(&caller, parse_id("user_id", &user_id)?)
        .await?;
    no_content()
}
