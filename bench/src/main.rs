//! chat-bench: wiring only; the load generator lives in lib.rs.

use clap::Parser;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let settings = chat_bench::Settings::parse();
    let report = chat_bench::run(&settings).await?;
    print!("{}", report.table());
    if let Some(parent) = settings.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&settings.out, serde_json::to_string_pretty(&report)?)?;
    eprintln!("figures written to {}", settings.out.display());
    Ok(())
}
