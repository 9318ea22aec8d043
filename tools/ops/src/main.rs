//! chat-ops: operator commands for an AWS deployment, and emulator set-up for tests.
//! - `chat-ops create-user --username NAME --role admin --password-stdin`: a user with any
//!   role straight into the deployment's tables (the first admin), configured like the
//!   functions (`CHAT_*_TABLE`, `CHAT_QUEUE_PREFIX`, AWS credentials and region).
//! - `chat-ops seed-emulator --endpoint URL --prefix P`: (re)creates the tables named from `P`
//!   on an AWS emulator, deletes its queues, and seeds the fixture that `events/` names.

use std::io::BufRead;
use std::time::Duration;

use chat_core::aws::{AwsAdapters, AwsSettings, provision};
use chat_core::domain::user::Role;
use chat_core::service::Services;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "chat-ops")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "member", value_parser = ["admin", "provider", "member"])]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    SeedEmulator {
        #[arg(long)]
        endpoint: String,
        #[arg(long)]
        prefix: String,
    },
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Cli::parse().command {
        Command::CreateUser {
            username,
            role,
            display_name,
            ..
        } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let adapters = AwsAdapters::from_env(AwsSettings::from_env()?).await;
            let services = Services::new(adapters.ports(), chat_core::config::config_from_env()?);
            let user = services
                .create_user(
                    &username,
                    password,
                    display_name.as_deref(),
                    Role::parse(&role)?,
                )
                .await?;
            println!(
                "created {} ({}) with role {}",
                user.username,
                user.id,
                user.role.as_str()
            );
        }
        Command::SeedEmulator { endpoint, prefix } => {
            provision::reset_on_emulator(&endpoint, &prefix).await?;
            let adapters =
                provision::on_emulator(&endpoint, &prefix, Duration::from_secs(30)).await?;
            chat_core::fixture::seed(&adapters.ports()).await?;
        }
    }
    Ok(())
}
