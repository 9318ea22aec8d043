//! chat-local: wiring only; the server lives in lib.rs.

use std::io::{BufRead, IsTerminal};

use chat_local::{Cli, Command};
use clap::Parser;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Openapi) => print!("{}", chat_local::openapi_json()),
        None => {
            let (store, services) = chat_local::open(&cli)?;
            chat_local::serve(&cli, store, services).await?
        }
        Some(Command::CreateUser {
            username,
            role,
            display_name,
            ..
        }) => {
            let (_store, services) = chat_local::open(&cli)?;
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let user = chat_local::create_user(
                &services,
                username,
                role,
                display_name.as_deref(),
                password,
            )
            .await?;
            println!("{user}");
        }
    }
    Ok(())
}
