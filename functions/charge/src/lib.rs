//! The charge function: wallets, credits and charges.

use axum::extract::State;
use axum::response::Response;
use chat_core::Result;
use chat_core::domain::money::{Authorization, Balance, Charge, LedgerEntry};
use chat_core::domain::page::PageQuery;
use chat_core::domain::parse_id;
use chat_core::http::{
    ApiRouter, AppState, JsonBody, Path, Query, created_or_found, no_content, reply,
};
use chat_core::service::{AuthorizationInput, Caller, ChargeInput, CreditInput};
use http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> ApiRouter {
    OpenApiRouter::new()
        .routes(routes!(get_wallet))
        .routes(routes!(list_wallet_entries))
        .routes(routes!(credit_wallet))
        .routes(routes!(create_charge, list_charges))
        .routes(routes!(grant_authorization, list_authorizations))
        .routes(routes!(revoke_authorization))
}

#[derive(Serialize, ToSchema)]
pub struct AuthorizationBody {
    pub authorization: Authorization,
}

#[derive(Serialize, ToSchema)]
pub struct AuthorizationsBody {
    /// The caller's authorizations that have not expired, oldest first.
    pub authorizations: Vec<Authorization>,
}

#[derive(Serialize, ToSchema)]
pub struct WalletBody {
    /// One balance per currency the caller has held.
    pub balances: Vec<Balance>,
}

#[derive(Serialize, ToSchema)]
pub struct EntriesBody {
    /// A page of the caller's ledger, oldest first; a balance is the sum of its entries.
    pub entries: Vec<LedgerEntry>,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EntryBody {
    pub entry: LedgerEntry,
}

#[derive(Serialize, ToSchema)]
pub struct ChargeBody {
    pub charge: Charge,
}

#[derive(Serialize, ToSchema)]
pub struct ChargesBody {
    /// A page of the charges where the caller is the payer or the payee, newest first.
    pub charges: Vec<Charge>,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// The caller's balances.
#[utoipa::path(
    get, path = "/wallet",
    responses((status = 200, description = "The balances", body = WalletBody)),
)]
async fn get_wallet(State(services): State<AppState>, caller: Caller) -> Result<Response> {
    let balances = services.wallet(&caller).await?;
    reply(StatusCode::OK, &WalletBody { balances })
}

/// The caller's ledger entries, a page at a time.
#[utoipa::path(
    get, path = "/wallet/entries",
    params(PageQuery),
    responses((status = 200, description = "A page of the ledger", body = EntriesBody)),
)]
async fn list_wallet_entries(
    State(services): State<AppState>,
    caller: Caller,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let page = services.ledger_entries(&caller, &query).await?;
    reply(
        StatusCode::OK,
        &EntriesBody {
            entries: page.items,
            next_cursor: page.next,
        },
    )
}

/// Credits a wallet (admins only); idempotent on `idempotency_key`.
#[utoipa::path(
    post, path = "/wallets/{user_id}/credits",
    params(("user_id" = uuid::Uuid, Path, description = "Whose wallet")),
    request_body = CreditInput,
    responses(
        (status = 201, description = "The credit's ledger entry", body = EntryBody),
        (status = 200, description = "A retry: the original entry", body = EntryBody),
        (status = 403, description = "Not an admin"),
        (status = 409, description = "The key was used with another body"),
    ),
)]
async fn credit_wallet(
    State(services): State<AppState>,
    caller: Caller,
    Path(user_id): Path<String>,
    JsonBody(input): JsonBody<CreditInput>,
) -> Result<Response> {
    let user_id = parse_id("user_id", &user_id)?;
    let (entry, created) = services.credit_wallet(&caller, user_id, input).await?;
    created_or_found(created, &EntryBody { entry })
}

/// Charges a payer (the caller, a provider or an admin, is the payee): the debit and the
/// credit are one atomic change, never below zero, once per `idempotency_key`.
#[utoipa::path(
    post, path = "/charges",
    request_body = ChargeInput,
    responses(
        (status = 201, description = "The charge", body = ChargeBody),
        (status = 200, description = "A retry: the original charge", body = ChargeBody),
        (status = 402, description = "The payer's balance is too low; nothing changed"),
        (status = 403, description = "Not a provider or an admin, no group shared with the payer, or (`payment_not_authorized`) no authorization of the payer covers the charge; nothing changed"),
        (status = 404, description = "The payer or the group does not exist"),
        (status = 409, description = "The key was used with another body, or the timer cannot be charged"),
    ),
)]
async fn create_charge(
    State(services): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<ChargeInput>,
) -> Result<Response> {
    let (charge, created) = services.charge(&caller, input).await?;
    created_or_found(created, &ChargeBody { charge })
}

/// Charges where the caller is the payer or the payee, a page at a time.
#[utoipa::path(
    get, path = "/charges",
    params(PageQuery),
    responses((status = 200, description = "A page of the charges", body = ChargesBody)),
)]
async fn list_charges(
    State(services): State<AppState>,
    caller: Caller,
    Query(query): Query<PageQuery>,
) -> Result<Response> {
    let page = services.charges(&caller, &query).await?;
    reply(
        StatusCode::OK,
        &ChargesBody {
            charges: page.items,
            next_cursor: page.next,
        },
    )
}

/// The caller lets a provider charge them, up to `max_amount` in one currency, until
/// `expires_at` or until revoked. Replaces the caller's earlier authorization for the same
/// provider and currency.
#[utoipa::path(
    post, path = "/wallet/authorizations",
    request_body = AuthorizationInput,
    responses(
        (status = 201, description = "The authorization", body = AuthorizationBody),
        (status = 404, description = "The provider does not exist"),
    ),
)]
async fn grant_authorization(
    State(services): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<AuthorizationInput>,
) -> Result<Response> {
    let authorization = services.grant_authorization(&caller, input).await?;
    reply(StatusCode::CREATED, &AuthorizationBody { authorization })
}

/// The caller's live authorizations, with what each has left.
#[utoipa::path(
    get, path = "/wallet/authorizations",
    responses((status = 200, description = "The authorizations", body = AuthorizationsBody)),
)]
async fn list_authorizations(State(services): State<AppState>, caller: Caller) -> Result<Response> {
    let authorizations = services.authorizations(&caller).await?;
    reply(StatusCode::OK, &AuthorizationsBody { authorizations })
}

/// Revokes one of the caller's authorizations: the provider can no longer charge under it.
#[utoipa::path(
    delete, path = "/wallet/authorizations/{authorization_id}",
    params(("authorization_id" = uuid::Uuid, Path, description = "The authorization")),
    responses((status = 204, description = "Revoked")),
)]
async fn revoke_authorization(
    State(services): State<AppState>,
    caller: Caller,
    Path(authorization_id): Path<String>,
) -> Result<Response> {
    let authorization_id = parse_id("authorization_id", &authorization_id)?;
    services
        .revoke_authorization(&caller, authorization_id)
        .await?;
    no_content()
}
