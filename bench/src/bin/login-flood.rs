//! login-flood: many concurrent wrong-password log-ins against a deployment (chat-local by
//! default), while one real user reads its wallet at 20 requests a second. Reports the
//! statuses the flood got, the wallet reads' latency meanwhile and, with `--server-pid`, the
//! server's peak and current resident memory. Bounded in time; stops itself.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};

#[derive(Parser)]
#[command(name = "login-flood")]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    url: String,
    /// Log-ins in flight at once.
    #[arg(long, default_value_t = 512)]
    concurrency: usize,
    /// How long the flood lasts (at most 120 s).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// The server's process id, to report its memory from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
}

fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = Args::parse();
    let seconds = args.seconds.min(120);
    let base = args.url.trim_end_matches('/').to_string();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(args.concurrency + 8)
        .build()?;
    let name = format!("flood{}", std::process::id());
    let password = "flood-test-password";
    client
        .post(format!("{base}/users"))
        .json(&json!({ "username": name, "password": password }))
        .send()
        .await?
        .error_for_status()?;
    let login: Value = client
        .post(format!("{base}/sessions"))
        .json(&json!({ "username": name, "password": password }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["token"].as_str().ok_or("no token")?.to_string();

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let statuses = Arc::new(Mutex::new(BTreeMap::<String, u64>::new()));
    let flood: Vec<_> = (0..args.concurrency)
        .map(|n| {
            let (client, base, name, statuses) =
                (client.clone(), base.clone(), name.clone(), statuses.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let outcome = client
                        .post(format!("{base}/sessions"))
                        .json(&json!({ "username": name, "password": format!("wrong-{n}") }))
                        .send()
                        .await;
                    let key = match outcome {
                        Ok(response) => response.status().as_u16().to_string(),
                        Err(_) => "transport error".to_string(),
                    };
                    *statuses.lock().unwrap().entry(key).or_default() += 1;
                }
            })
        })
        .collect();
    let mut wallet_ms = Vec::new();
    let mut wallet_errors = 0;
    while Instant::now() < deadline {
        let started = Instant::now();
        match client
            .get(format!("{base}/wallet"))
            .bearer_auth(&token)
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => {
                wallet_ms.push(started.elapsed().as_secs_f64() * 1000.0)
            }
            _ => wallet_errors += 1,
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let peak = args.server_pid.and_then(|pid| memory_kib(pid, "VmHWM:"));
    let now = args.server_pid.and_then(|pid| memory_kib(pid, "VmRSS:"));
    for task in flood {
        let _ = tokio::time::timeout(Duration::from_secs(35), task).await;
    }
    wallet_ms.sort_by(f64::total_cmp);
    let at = |p: f64| {
        wallet_ms
            .get(((wallet_ms.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    println!(
        "{} concurrent wrong-password log-ins for {seconds} s against {base}",
        args.concurrency
    );
    println!("flood answers by status: {:?}", statuses.lock().unwrap());
    println!(
        "GET /wallet meanwhile: {} reads, {wallet_errors} failed, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        wallet_ms.len(),
        at(0.5),
        at(0.99),
        wallet_ms.last().copied().unwrap_or(f64::NAN)
    );
    if let (Some(peak), Some(now)) = (peak, now) {
        println!(
            "server resident memory: peak {:.0} MB, at the end {:.0} MB",
            peak as f64 / 1024.0,
            now as f64 / 1024.0
        );
    }
    Ok(())
}
