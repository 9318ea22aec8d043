//! The session-sweeper Lambda: wiring only; the sweep lives in lib.rs.

use lambda_http::{Error, LambdaEvent, lambda_runtime, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let services = chat_core::aws::services_from_env().await?;
    let services = &services;
    lambda_runtime::run(service_fn(
        move |_scheduled: LambdaEvent<Value>| async move {
            let swept = session_sweeper::sweep(services, 20).await?;
            tracing::info!(?swept, "sessions and queues swept");
            Ok::<_, Error>(json!({
                "swept": swept.sessions,
                "orphaned_inboxes": swept.orphaned_inboxes,
            }))
        },
    ))
    .await
}
