//! The fan-out worker Lambda: wiring only; the handling lives in lib.rs.

use lambda_http::{Error, LambdaEvent, lambda_runtime, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let services = chat_core::aws::services_from_env().await?;
    let services = &services;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        fan_out::handle(services, &event.payload)
            .await
            .map_err(Error::from)
    }))
    .await
}
