//! The live Lambda: wiring only; the handling lives in lib.rs.

use lambda_http::{Error, LambdaEvent, lambda_runtime, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let (adapters, services) = chat_core::aws::adapters_and_services_from_env().await?;
    let (adapters, services) = (&adapters, &services);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        Ok::<_, Error>(live::handle(services, adapters, &event.payload).await)
    }))
    .await
}
