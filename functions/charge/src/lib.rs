//! The charge function: wallets, credits and charges.
//! `GET /wallet`, `GET /wallet/entries`, `POST /wallets/{user_id}/credits`, `POST /charges`,
//! `GET /charges`.

use async_trait::async_trait;
use chat_core::Result;
use chat_core::http::{ApiRequest, ApiResponse, RouteOutcome, Routes, path_id};
use chat_core::service::{ChargeInput, CreditInput, Services};
use serde_json::json;

pub struct Charge;

#[async_trait]
impl Routes for Charge {
    async fn route(&self, services: &Services, request: &ApiRequest) -> RouteOutcome {
        let segments = request.segments();
        Some(match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["wallet"]) => wallet(services, request).await,
            ("GET", ["wallet", "entries"]) => entries(services, request).await,
            ("POST", ["wallets", user_id, "credits"]) => credit(services, request, user_id).await,
            ("POST", ["charges"]) => charge(services, request).await,
            ("GET", ["charges"]) => charges(services, request).await,
            _ => return None,
        })
    }
}

async fn wallet(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let balances = services.wallet(&caller).await?;
    ApiResponse::json(200, &json!({ "balances": balances }))
}

async fn entries(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let entries = services.ledger_entries(&caller).await?;
    ApiResponse::json(200, &json!({ "entries": entries }))
}

async fn credit(services: &Services, request: &ApiRequest, user_id: &str) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let user_id = path_id("user_id", user_id)?;
    let input: CreditInput = request.json()?;
    let (entry, created) = services.credit_wallet(&caller, user_id, input).await?;
    ApiResponse::json(if created { 201 } else { 200 }, &json!({ "entry": entry }))
}

async fn charge(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let input: ChargeInput = request.json()?;
    let (charge, created) = services.charge(&caller, input).await?;
    ApiResponse::json(
        if created { 201 } else { 200 },
        &json!({ "charge": charge }),
    )
}

async fn charges(services: &Services, request: &ApiRequest) -> Result<ApiResponse> {
    let caller = services.caller(request).await?;
    let charges = services.charges(&caller).await?;
    ApiResponse::json(200, &json!({ "charges": charges }))
}
