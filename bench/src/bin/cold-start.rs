//! cold-start: measures each Lambda binary's init, from process start to its first request
//! for an event on the Lambda Runtime API (what AWS reports as Init Duration, without the
//! sandbox), with its AWS clients built against an emulator; and each binary's size.
//!
//! cold-start --endpoint http://127.0.0.1:PORT --runs 10 target/release/login target/release/poll ...

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

#[derive(Parser)]
struct Args {
    /// The AWS emulator the functions' clients are built against.
    #[arg(long)]
    endpoint: String,
    /// Starts per binary.
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Where the JSON figures go.
    #[arg(long, default_value = "bench-results/cold-start.json")]
    out: PathBuf,
    /// The function binaries (stripped release builds).
    binaries: Vec<PathBuf>,
}

/// Starts the binary against a fake Runtime API and returns how long it took to ask for
/// its first event.
async fn one_start(
    binary: &PathBuf,
    endpoint: &str,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let runtime_api = listener.local_addr()?.to_string();
    let name = binary
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("function");
    let started = Instant::now();
    let mut child = Command::new(binary)
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", &runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "cold-start")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("CHAT_USERS_TABLE", "cold-users")
        .env("CHAT_SESSIONS_TABLE", "cold-sessions")
        .env("CHAT_GROUPS_TABLE", "cold-groups")
        .env("CHAT_MESSAGES_TABLE", "cold-messages")
        .env("CHAT_IDEMPOTENCY_TABLE", "cold-idempotency")
        .env("CHAT_MONEY_TABLE", "cold-money")
        .env("CHAT_QUEUE_PREFIX", "cold")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let asked = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let (mut stream, _) = listener.accept().await?;
            let mut head = vec![0u8; 1024];
            let read = stream.read(&mut head).await?;
            if String::from_utf8_lossy(&head[..read]).contains("/runtime/invocation/next") {
                return Ok::<_, std::io::Error>(started.elapsed());
            }
        }
    })
    .await;
    let _ = child.kill();
    let _ = child.wait();
    Ok(asked.map_err(|_| format!("{} never asked for an event", binary.display()))??)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut figures = Vec::new();
    println!("| function | size (MB) | init p50 (ms) | min | max |\n|---|---|---|---|---|");
    for binary in &args.binaries {
        let size = std::fs::metadata(binary)?.len();
        let mut inits = Vec::with_capacity(args.runs);
        for _ in 0..args.runs {
            inits.push(one_start(binary, &args.endpoint).await?.as_secs_f64() * 1000.0);
        }
        inits.sort_by(f64::total_cmp);
        let (median, min, max) = (inits[inits.len() / 2], inits[0], inits[inits.len() - 1]);
        let name = binary.display().to_string();
        println!(
            "| {name} | {:.1} | {median:.1} | {min:.1} | {max:.1} |",
            size as f64 / 1e6
        );
        figures.push(serde_json::json!({ "binary": name, "bytes": size, "init_ms_p50": median, "init_ms_min": min, "init_ms_max": max, "runs": inits }));
    }
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&figures)?)?;
    Ok(())
}
