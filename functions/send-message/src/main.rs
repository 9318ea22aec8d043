//! The send-message Lambda: wiring only; the routes live in lib.rs.

use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let services = Arc::new(chat_core::aws::services_from_env().await?);
    // The router answers every client error itself (4xx, never an Err that API Gateway
    // would turn into a 502).
    lambda_http::run(chat_core::http::app(send_message::routes(), services)).await
}
