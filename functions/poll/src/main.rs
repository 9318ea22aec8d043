//! The poll Lambda: wiring only; the routes live in lib.rs.

use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let services = chat_core::aws::services_from_env().await?;
    chat_core::http::lambda::run(&poll::Poll, Arc::new(services)).await
}
