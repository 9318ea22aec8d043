//! chat-bench drives the HTTP API of any deployment: it signs up users with several devices,
//! makes groups, keeps every device listening (a long-poll with acks, or the live channel's
//! WebSocket with the documented drain of the inbox), sends at a fixed aggregate rate, and
//! measures every delivery; then it takes some devices offline, sends to
//! them, brings them back and measures the catch-up. Every loop is bounded in count and time.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use futures_util::future::join_all;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;

#[derive(Clone, Debug, Parser)]
#[command(
    name = "chat-bench",
    about = "Load-tests a chat deployment and reports latency and loss"
)]
pub struct Settings {
    /// Base URL of the deployment (chat-local, or a deployed API's URL).
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// Users to sign up (U).
    #[arg(long, default_value_t = 200)]
    pub users: usize,
    /// Devices (sessions) per user (D).
    #[arg(long, default_value_t = 2)]
    pub devices: usize,
    /// Groups to make (G).
    #[arg(long, default_value_t = 100)]
    pub groups: usize,
    /// Members per group (S).
    #[arg(long, default_value_t = 5)]
    pub group_size: usize,
    /// Aggregate send rate, messages per second (R).
    #[arg(long, default_value_t = 200.0)]
    pub rate: f64,
    /// Seconds to send for.
    #[arg(long, default_value_t = 20)]
    pub duration: u64,
    /// Seed for every random choice (groups, senders).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Share of devices that go offline in the offline phase.
    #[arg(long, default_value_t = 0.1)]
    pub offline_fraction: f64,
    /// Messages sent while those devices are offline (K); 0 skips the phase.
    #[arg(long, default_value_t = 200)]
    pub offline_messages: usize,
    /// Long-poll wait, seconds (0 to 20).
    #[arg(long, default_value_t = 5)]
    pub poll_wait: u64,
    /// Sends in flight at most.
    #[arg(long, default_value_t = 256)]
    pub max_in_flight: usize,
    /// Where the JSON report goes.
    #[arg(long, default_value = "bench-results/chat-bench.json")]
    pub out: PathBuf,
    /// How devices receive: the live channel (WebSocket, plain `ws://` only) or long-polls.
    #[arg(long, value_enum, default_value_t = Transport::Live)]
    pub transport: Transport,
    /// The server's process id (chat-local on this machine): reports its CPU time per
    /// delivery during the send phase, from /proc.
    #[arg(long)]
    pub server_pid: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    Live,
    Poll,
}

/// CPU seconds (user + system) a process has used, from /proc (Linux; 100 ticks a second).
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// SplitMix64: small, fast and deterministic from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

struct Device {
    token: String,
    online: AtomicBool,
    stopped: AtomicBool,
}

struct World {
    devices: Vec<Device>,
    /// Per user, its device indexes.
    devices_of_user: Vec<Vec<usize>>,
    /// Per group: its id and member user indexes.
    groups: Vec<(String, Vec<usize>)>,
}

struct Sent {
    at: Instant,
    expected: Vec<usize>,
}

#[derive(Default)]
struct Tracker {
    sent: Mutex<HashMap<String, Sent>>,
    /// (device, client_msg_id) -> times received.
    received: Mutex<HashMap<(usize, String), u32>>,
    latencies_us: Mutex<Vec<u64>>,
    send_latencies_us: Mutex<Vec<u64>>,
    errors: Mutex<BTreeMap<String, u64>>,
    attempted: AtomicU64,
    sends_ok: AtomicU64,
    deliveries: AtomicU64,
    duplicates: AtomicU64,
    poll_errors: AtomicU64,
}

impl Tracker {
    fn error(&self, what: String) {
        *self.errors.lock().unwrap().entry(what).or_default() += 1;
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Percentiles {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub count: usize,
}

fn percentiles(values: &mut [u64]) -> Percentiles {
    if values.is_empty() {
        return Percentiles::default();
    }
    values.sort_unstable();
    let at = |p: f64| {
        let index = ((values.len() as f64 * p).ceil() as usize).clamp(1, values.len()) - 1;
        values[index] as f64 / 1000.0
    };
    Percentiles {
        p50_ms: at(0.50),
        p90_ms: at(0.90),
        p99_ms: at(0.99),
        max_ms: values[values.len() - 1] as f64 / 1000.0,
        count: values.len(),
    }
}

#[derive(Debug, Default, Serialize)]
pub struct PhaseReport {
    pub messages_sent: u64,
    pub sends_ok: u64,
    pub expected_deliveries: u64,
    pub deliveries: u64,
    pub lost: u64,
    pub duplicates: u64,
    pub deliveries_per_second: f64,
    pub send_to_receive: Percentiles,
    pub send_latency: Percentiles,
    pub errors_by_status: BTreeMap<String, u64>,
    pub seconds: f64,
    /// The server's CPU time during the send phase (with `--server-pid`).
    pub server_cpu_seconds: Option<f64>,
    pub server_cpu_us_per_delivery: Option<f64>,
}

#[derive(Debug, Default, Serialize)]
pub struct OfflineReport {
    pub offline_devices: usize,
    pub messages_sent: u64,
    pub expected_deliveries: u64,
    pub caught_up: u64,
    pub lost: u64,
    pub duplicates: u64,
    pub catch_up_seconds: f64,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub url: String,
    pub transport: Transport,
    pub users: usize,
    pub devices_per_user: usize,
    pub groups: usize,
    pub group_size: usize,
    pub rate: f64,
    pub duration_seconds: u64,
    pub seed: u64,
    pub setup_seconds: f64,
    pub live: PhaseReport,
    pub offline: Option<OfflineReport>,
    pub poll_errors: u64,
}

impl Report {
    pub fn table(&self) -> String {
        let live = &self.live;
        let lat = &live.send_to_receive;
        let send = &live.send_latency;
        let mut out = format!(
            "chat-bench against {} ({:?}): U={} D={} G={} S={} R={}/s for {}s (seed {})\n\n",
            self.url,
            self.transport,
            self.users,
            self.devices_per_user,
            self.groups,
            self.group_size,
            self.rate,
            self.duration_seconds,
            self.seed
        );
        out += "| figure | value |\n|---|---|\n";
        out += &format!(
            "| messages sent (ok) | {} ({}) |\n",
            live.messages_sent, live.sends_ok
        );
        out += &format!(
            "| deliveries (expected) | {} ({}) |\n",
            live.deliveries, live.expected_deliveries
        );
        out += &format!(
            "| deliveries per second | {:.0} |\n",
            live.deliveries_per_second
        );
        out += &format!(
            "| send→receive p50 / p90 / p99 / max | {:.1} / {:.1} / {:.1} / {:.1} ms |\n",
            lat.p50_ms, lat.p90_ms, lat.p99_ms, lat.max_ms
        );
        out += &format!(
            "| send latency p50 / p90 / p99 / max | {:.1} / {:.1} / {:.1} / {:.1} ms |\n",
            send.p50_ms, send.p90_ms, send.p99_ms, send.max_ms
        );
        out += &format!(
            "| lost / duplicated | {} / {} |\n",
            live.lost, live.duplicates
        );
        out += &format!("| errors by status | {:?} |\n", live.errors_by_status);
        if let (Some(cpu), Some(per)) = (live.server_cpu_seconds, live.server_cpu_us_per_delivery) {
            out += &format!("| server CPU, per delivery | {cpu:.2} s, {per:.1} µs |\n");
        }
        if let Some(offline) = &self.offline {
            out += &format!(
                "| offline phase: devices, messages | {}, {} |\n",
                offline.offline_devices, offline.messages_sent
            );
            out += &format!(
                "| offline phase: caught up (expected), catch-up time | {} ({}), {:.2} s |\n",
                offline.caught_up, offline.expected_deliveries, offline.catch_up_seconds
            );
            out += &format!(
                "| offline phase: lost / duplicated | {} / {} |\n",
                offline.lost, offline.duplicates
            );
        }
        out += &format!("| setup | {:.1} s |\n", self.setup_seconds);
        out
    }
}

struct Bench {
    settings: Settings,
    client: reqwest::Client,
    tracker: Tracker,
    run: String,
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

impl Bench {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> BenchResult<(u16, Value)> {
        let mut request = self
            .client
            .request(
                method,
                format!("{}{}", self.settings.url.trim_end_matches('/'), path),
            )
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)?
        };
        Ok((status, value))
    }

    async fn expect(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Value,
        status: u16,
    ) -> BenchResult<Value> {
        let (got, value) = self.call(method, path, token, body).await?;
        if got != status {
            return Err(format!("{path}: expected {status}, got {got}: {value}").into());
        }
        Ok(value)
    }

    async fn setup(&self) -> BenchResult<World> {
        let s = &self.settings;
        let password = format!("bench-{}-password", self.run);
        let gate = Semaphore::new(8);
        let sign_ups = (0..s.users).map(|u| {
            let (gate, password) = (&gate, &password);
            async move {
                let _permit = gate.acquire().await?;
                let name = format!("b{}u{u}", self.run);
                let user = self
                    .expect(reqwest::Method::POST, "/users", None, json!({ "username": name, "password": password }), 201)
                    .await?;
                let mut tokens = Vec::new();
                for d in 0..s.devices {
                    let login = json!({ "username": name, "password": password, "device": format!("bench-{d}") });
                    let session = self.expect(reqwest::Method::POST, "/sessions", None, login, 201).await?;
                    tokens.push(session["token"].as_str().ok_or("no token")?.to_string());
                }
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>((user["user"]["id"].as_str().ok_or("no id")?.to_string(), tokens))
            }
        });
        let mut user_ids = Vec::new();
        let mut devices = Vec::new();
        let mut devices_of_user = Vec::new();
        for outcome in join_all(sign_ups).await {
            let (id, tokens) = outcome?;
            user_ids.push(id);
            let mut mine = Vec::new();
            for token in tokens {
                mine.push(devices.len());
                devices.push(Device {
                    token,
                    online: AtomicBool::new(true),
                    stopped: AtomicBool::new(false),
                });
            }
            devices_of_user.push(mine);
        }
        eprintln!(
            "signed up {} users with {} devices",
            user_ids.len(),
            devices.len()
        );

        let mut rng = Rng(s.seed);
        let mut memberships = Vec::new();
        for _ in 0..s.groups {
            let mut members: Vec<usize> = Vec::new();
            while members.len() < s.group_size.min(s.users) {
                let candidate = rng.below(s.users);
                if !members.contains(&candidate) {
                    members.push(candidate);
                }
            }
            memberships.push(members);
        }
        let gate = Semaphore::new(16);
        let creations = memberships.iter().map(|members| {
            let (gate, devices, user_ids, devices_of_user) =
                (&gate, &devices, &user_ids, &devices_of_user);
            async move {
                let _permit = gate.acquire().await?;
                let others: Vec<&String> = members[1..].iter().map(|m| &user_ids[*m]).collect();
                let owner: &String = &devices[devices_of_user[members[0]][0]].token;
                let group = self
                    .expect(
                        reqwest::Method::POST,
                        "/groups",
                        Some(owner),
                        json!({ "kind": "group", "name": "bench", "member_ids": others }),
                        201,
                    )
                    .await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
                    group["group"]["id"]
                        .as_str()
                        .ok_or("no group id")?
                        .to_string(),
                )
            }
        });
        let mut groups = Vec::new();
        for (outcome, members) in join_all(creations).await.into_iter().zip(memberships) {
            groups.push((outcome?, members));
        }
        eprintln!("made {} groups of {}", groups.len(), s.group_size);
        Ok(World {
            devices,
            devices_of_user,
            groups,
        })
    }

    /// One device's long-poll loop, with acks, until told to stop.
    async fn poller(&self, world: &World, device: usize, stop: &AtomicBool, deadline: Instant) {
        let token = &world.devices[device].token;
        let mut ack: Option<String> = None;
        while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
            if !world.devices[device].online.load(Ordering::SeqCst) {
                // Offline: acknowledge what was taken, then stay quiet.
                if let Some(pending) = ack.take() {
                    let _ = self
                        .call(
                            reqwest::Method::POST,
                            "/poll",
                            Some(token),
                            json!({ "wait": 0, "ack": pending }),
                        )
                        .await;
                }
                world.devices[device].stopped.store(true, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            world.devices[device].stopped.store(false, Ordering::SeqCst);
            let body = json!({ "wait": self.settings.poll_wait, "ack": ack });
            match self
                .call(reqwest::Method::POST, "/poll", Some(token), body)
                .await
            {
                Ok((200, answer)) => {
                    ack = self.record_poll_answer(device, &answer);
                }
                Ok((status, _)) => {
                    self.tracker.poll_errors.fetch_add(1, Ordering::Relaxed);
                    self.tracker.error(format!("poll {status}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(_) => {
                    self.tracker.poll_errors.fetch_add(1, Ordering::Relaxed);
                    self.tracker.error("poll transport".to_string());
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    /// One device on the live channel until told to stop: ticket, socket, ping and pong, then
    /// the inbox drained (the documented client algorithm); pushed events are recorded as
    /// they come. Offline, it closes its socket cleanly; back online it connects again.
    async fn listener(&self, world: &World, device: usize, stop: &AtomicBool, deadline: Instant) {
        let token = &world.devices[device].token;
        while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
            if !world.devices[device].online.load(Ordering::SeqCst) {
                world.devices[device].stopped.store(true, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            let mut socket = match self.open_live(token).await {
                Ok(socket) => socket,
                Err(error) => {
                    self.tracker.poll_errors.fetch_add(1, Ordering::Relaxed);
                    self.tracker.error(format!("live connect: {error}"));
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            self.drain_inbox(device, token).await;
            world.devices[device].stopped.store(false, Ordering::SeqCst);
            loop {
                if stop.load(Ordering::SeqCst)
                    || Instant::now() >= deadline
                    || !world.devices[device].online.load(Ordering::SeqCst)
                {
                    // A clean close: once the server has it, later events go to the inbox.
                    let _ = socket.close(None).await;
                    while let Ok(Some(_)) =
                        tokio::time::timeout(Duration::from_secs(2), socket.next()).await
                    {
                    }
                    break;
                }
                match tokio::time::timeout(Duration::from_millis(100), socket.next()).await {
                    Err(_) => continue,
                    Ok(Some(Ok(Message::Text(text)))) => {
                        let received_at = Instant::now();
                        if let Ok(event) = serde_json::from_str::<Value>(text.as_str())
                            && event["type"] == "message"
                        {
                            self.record_delivery(device, &event, received_at);
                        }
                    }
                    Ok(Some(Ok(_))) => {}
                    Ok(Some(Err(_)) | None) => {
                        self.tracker.error("live socket closed".to_string());
                        break;
                    }
                }
            }
        }
    }

    async fn open_live(
        &self,
        token: &str,
    ) -> BenchResult<
        tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    > {
        let grant = self
            .expect(
                reqwest::Method::POST,
                "/live/tickets",
                Some(token),
                json!({}),
                201,
            )
            .await?;
        let url = format!(
            "{}?ticket={}",
            grant["url"].as_str().ok_or("no url")?,
            grant["ticket"].as_str().ok_or("no ticket")?
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await?;
        socket.send(Message::text(r#"{"action":"ping"}"#)).await?;
        loop {
            match tokio::time::timeout(Duration::from_secs(10), socket.next()).await? {
                Some(Ok(Message::Text(text))) if text.as_str().contains("\"pong\"") => {
                    return Ok(socket);
                }
                Some(Ok(_)) => continue,
                _ => return Err("the socket closed before its pong".into()),
            }
        }
    }

    /// Polls without waiting, acknowledging, until the inbox is empty.
    async fn drain_inbox(&self, device: usize, token: &str) {
        let mut ack: Option<String> = None;
        for _ in 0..1000 {
            let body = json!({ "wait": 0, "ack": ack });
            match self
                .call(reqwest::Method::POST, "/poll", Some(token), body)
                .await
            {
                Ok((200, answer)) => {
                    ack = self.record_poll_answer(device, &answer);
                    if ack.is_none() {
                        return;
                    }
                }
                _ => {
                    self.tracker.poll_errors.fetch_add(1, Ordering::Relaxed);
                    self.tracker.error("drain".to_string());
                    return;
                }
            }
        }
    }

    /// Records the messages a poll returned; returns its ack token.
    fn record_poll_answer(&self, device: usize, answer: &Value) -> Option<String> {
        let received_at = Instant::now();
        for event in answer["events"].as_array().into_iter().flatten() {
            if event["type"] == "message" {
                self.record_delivery(device, event, received_at);
            }
        }
        answer["ack"].as_str().map(str::to_string)
    }

    fn record_delivery(&self, device: usize, event: &Value, received_at: Instant) {
        let Some(client_msg_id) = event["message"]["client_msg_id"].as_str() else {
            return;
        };
        let first = {
            let mut received = self.tracker.received.lock().unwrap();
            let count = received
                .entry((device, client_msg_id.to_string()))
                .or_default();
            *count += 1;
            *count == 1
        };
        if !first {
            self.tracker.duplicates.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.tracker.deliveries.fetch_add(1, Ordering::Relaxed);
        if !client_msg_id.contains("-live-") {
            return;
        }
        if let Some(sent) = self.tracker.sent.lock().unwrap().get(client_msg_id) {
            let latency = received_at.saturating_duration_since(sent.at).as_micros() as u64;
            self.tracker.latencies_us.lock().unwrap().push(latency);
        }
    }

    async fn send(&self, world: &World, group: usize, sender_device: usize, client_msg_id: String) {
        let (group_id, members) = &world.groups[group];
        let expected: Vec<usize> = members
            .iter()
            .flat_map(|m| world.devices_of_user[*m].iter().copied())
            .filter(|d| *d != sender_device)
            .collect();
        let started = Instant::now();
        self.tracker.sent.lock().unwrap().insert(
            client_msg_id.clone(),
            Sent {
                at: started,
                expected,
            },
        );
        let body =
            json!({ "text": format!("load {client_msg_id}"), "client_msg_id": client_msg_id });
        let token = &world.devices[sender_device].token;
        match self
            .call(
                reqwest::Method::POST,
                &format!("/groups/{group_id}/messages"),
                Some(token),
                body,
            )
            .await
        {
            Ok((201, _)) => {
                self.tracker.sends_ok.fetch_add(1, Ordering::Relaxed);
                self.tracker
                    .send_latencies_us
                    .lock()
                    .unwrap()
                    .push(started.elapsed().as_micros() as u64);
            }
            Ok((status, _)) => self.tracker.error(format!("send {status}")),
            Err(_) => self.tracker.error("send transport".to_string()),
        }
    }

    /// Sends `count` messages at the configured rate, to groups chosen by `pick`.
    async fn send_phase(
        self: &Arc<Self>,
        world: &Arc<World>,
        count: usize,
        rng: &mut Rng,
        phase: &str,
        pick: &dyn Fn(&mut Rng) -> usize,
    ) {
        let gate = Arc::new(Semaphore::new(self.settings.max_in_flight));
        let period = Duration::from_secs_f64(1.0 / self.settings.rate.max(0.001));
        let started = tokio::time::Instant::now();
        let mut sends = Vec::with_capacity(count);
        for n in 0..count {
            tokio::time::sleep_until(started + period.mul_f64(n as f64)).await;
            let group = pick(rng);
            let members = &world.groups[group].1;
            let sender = members[rng.below(members.len())];
            let device = world.devices_of_user[sender][rng.below(self.settings.devices)];
            let Ok(permit) = gate.clone().acquire_owned().await else {
                break;
            };
            let client_msg_id = format!("{}-{phase}-{n}", self.run);
            let (bench, world) = (self.clone(), world.clone());
            self.tracker.attempted.fetch_add(1, Ordering::Relaxed);
            sends.push(tokio::spawn(async move {
                bench.send(&world, group, device, client_msg_id).await;
                drop(permit);
            }));
        }
        join_all(sends).await;
    }

    /// Per phase: (expected, delivered, lost, duplicates), optionally only for some devices.
    fn tally(&self, phase: &str, only: Option<&[usize]>) -> (u64, u64, u64, u64) {
        let marker = format!("-{phase}-");
        let sent = self.tracker.sent.lock().unwrap();
        let received = self.tracker.received.lock().unwrap();
        let (mut expected, mut delivered, mut duplicates) = (0, 0, 0);
        for (client_msg_id, message) in sent.iter().filter(|(id, _)| id.contains(&marker)) {
            for device in &message.expected {
                if only.is_some_and(|devices| !devices.contains(device)) {
                    continue;
                }
                expected += 1;
                match received.get(&(*device, client_msg_id.clone())) {
                    Some(count) if *count > 0 => {
                        delivered += 1;
                        duplicates += u64::from(*count - 1);
                    }
                    _ => {}
                }
            }
        }
        (expected, delivered, expected - delivered, duplicates)
    }

    /// Waits (at most `limit`) until a phase's expected deliveries have all arrived.
    async fn settle(&self, phase: &str, only: Option<&[usize]>, limit: Duration) -> Duration {
        let started = Instant::now();
        while started.elapsed() < limit {
            let (expected, delivered, _, _) = self.tally(phase, only);
            if delivered >= expected {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        started.elapsed()
    }
}

/// Runs the whole benchmark; it stops itself after the send duration plus ten minutes at most.
pub async fn run(settings: &Settings) -> BenchResult<Report> {
    let limit = Duration::from_secs(settings.duration + 600);
    tokio::time::timeout(limit, run_phases(settings))
        .await
        .map_err(|_| "chat-bench ran past its time limit")?
}

fn check(settings: &Settings) -> BenchResult<()> {
    if settings.users == 0 || settings.devices == 0 || settings.groups == 0 {
        return Err("users, devices and groups must be 1 or more".into());
    }
    if settings.group_size < 2 || settings.group_size > settings.users {
        return Err("group size must be 2 or more, and at most the number of users".into());
    }
    if !settings.rate.is_finite()
        || settings.rate <= 0.0
        || settings.poll_wait > 20
        || !(0.0..=1.0).contains(&settings.offline_fraction)
    {
        return Err("rate must be positive, poll wait 0 to 20, offline fraction 0 to 1".into());
    }
    Ok(())
}

async fn run_phases(settings: &Settings) -> BenchResult<Report> {
    check(settings)?;
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis();
    let run = format!(
        "{:x}",
        (since_epoch as u64 ^ settings.seed) & 0xff_ffff_ffff
    );
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .tcp_nodelay(true)
        .pool_max_idle_per_host(4096)
        .build()?;
    let bench = Arc::new(Bench {
        settings: settings.clone(),
        client,
        tracker: Tracker::default(),
        run,
    });

    let setup_started = Instant::now();
    let world = Arc::new(bench.setup().await?);
    let setup_seconds = setup_started.elapsed().as_secs_f64();

    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs(settings.duration + 300);
    let pollers: Vec<_> = (0..world.devices.len())
        .map(|device| {
            let (bench, world, stop) = (bench.clone(), world.clone(), stop.clone());
            tokio::spawn(async move {
                match bench.settings.transport {
                    Transport::Live => bench.listener(&world, device, &stop, deadline).await,
                    Transport::Poll => bench.poller(&world, device, &stop, deadline).await,
                }
            })
        })
        .collect();
    let progress = {
        let (bench, stop) = (bench.clone(), stop.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let t = &bench.tracker;
                eprintln!(
                    "[{:>4}s] sent {} ok {} delivered {} duplicates {} errors {:?}",
                    started.elapsed().as_secs(),
                    t.attempted.load(Ordering::Relaxed),
                    t.sends_ok.load(Ordering::Relaxed),
                    t.deliveries.load(Ordering::Relaxed),
                    t.duplicates.load(Ordering::Relaxed),
                    t.errors.lock().unwrap()
                );
            }
        })
    };
    // The pollers take the group-creation events first.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let mut rng = Rng(settings.seed ^ 0x5EED);
    let groups = world.groups.len();
    let count = (settings.rate * settings.duration as f64).round() as usize;
    let cpu_before = settings.server_pid.and_then(cpu_seconds);
    let sending = Instant::now();
    bench
        .send_phase(&world, count, &mut rng, "live", &move |rng: &mut Rng| {
            rng.below(groups)
        })
        .await;
    let send_seconds = sending.elapsed().as_secs_f64();
    bench.settle("live", None, Duration::from_secs(10)).await;
    let server_cpu_seconds = cpu_before
        .zip(settings.server_pid.and_then(cpu_seconds))
        .map(|(before, after)| after - before);
    let (expected, delivered, lost, duplicates) = bench.tally("live", None);
    let live = PhaseReport {
        messages_sent: count as u64,
        sends_ok: bench.tracker.sends_ok.load(Ordering::Relaxed),
        expected_deliveries: expected,
        deliveries: delivered,
        lost,
        duplicates,
        deliveries_per_second: delivered as f64 / send_seconds.max(0.001),
        send_to_receive: percentiles(&mut bench.tracker.latencies_us.lock().unwrap()),
        send_latency: percentiles(&mut bench.tracker.send_latencies_us.lock().unwrap()),
        errors_by_status: bench.tracker.errors.lock().unwrap().clone(),
        seconds: send_seconds,
        server_cpu_seconds,
        server_cpu_us_per_delivery: server_cpu_seconds
            .map(|cpu| cpu * 1e6 / (delivered.max(1) as f64)),
    };

    let offline = if settings.offline_messages > 0 && settings.offline_fraction > 0.0 {
        Some(offline_phase(&bench, &world, &mut rng).await)
    } else {
        None
    };

    stop.store(true, Ordering::SeqCst);
    for poller in pollers {
        let _ = tokio::time::timeout(Duration::from_secs(settings.poll_wait + 5), poller).await;
    }
    progress.abort();
    Ok(Report {
        url: settings.url.clone(),
        transport: settings.transport,
        users: settings.users,
        devices_per_user: settings.devices,
        groups: settings.groups,
        group_size: settings.group_size,
        rate: settings.rate,
        duration_seconds: settings.duration,
        seed: settings.seed,
        setup_seconds,
        live,
        offline,
        poll_errors: bench.tracker.poll_errors.load(Ordering::Relaxed),
    })
}

/// Some devices stop polling; messages go to their groups; they come back and catch up.
async fn offline_phase(bench: &Arc<Bench>, world: &Arc<World>, rng: &mut Rng) -> OfflineReport {
    let settings = &bench.settings;
    let wanted = ((world.devices.len() as f64 * settings.offline_fraction).ceil() as usize).max(1);
    let mut offline: Vec<usize> = Vec::new();
    while offline.len() < wanted.min(world.devices.len()) {
        let device = rng.below(world.devices.len());
        if !offline.contains(&device) {
            offline.push(device);
        }
    }
    for device in &offline {
        world.devices[*device].online.store(false, Ordering::SeqCst);
    }
    let quiet_by = Instant::now() + Duration::from_secs(settings.poll_wait + 5);
    while Instant::now() < quiet_by
        && !offline
            .iter()
            .all(|d| world.devices[*d].stopped.load(Ordering::SeqCst))
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let user_of = |device: usize| {
        world
            .devices_of_user
            .iter()
            .position(|ds| ds.contains(&device))
    };
    let offline_users: Vec<usize> = offline.iter().filter_map(|d| user_of(*d)).collect();
    let targets: Vec<usize> = (0..world.groups.len())
        .filter(|g| world.groups[*g].1.iter().any(|m| offline_users.contains(m)))
        .collect();
    eprintln!(
        "{} devices offline; sending {} messages to their {} groups",
        offline.len(),
        settings.offline_messages,
        targets.len()
    );
    let targets = Arc::new(targets);
    let pick_from = targets.clone();
    bench
        .send_phase(
            world,
            settings.offline_messages,
            rng,
            "off",
            &move |rng: &mut Rng| pick_from[rng.below(pick_from.len())],
        )
        .await;
    for device in &offline {
        world.devices[*device].online.store(true, Ordering::SeqCst);
    }
    let catch_up = bench
        .settle("off", Some(&offline), Duration::from_secs(60))
        .await;
    let (expected, caught_up, lost, duplicates) = bench.tally("off", Some(&offline));
    OfflineReport {
        offline_devices: offline.len(),
        messages_sent: settings.offline_messages as u64,
        expected_deliveries: expected,
        caught_up,
        lost,
        duplicates,
        catch_up_seconds: catch_up.as_secs_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let mut values: Vec<u64> = (1..=100).map(|v| v * 1000).collect();
        let p = percentiles(&mut values);
        assert_eq!(
            (p.p50_ms, p.p90_ms, p.p99_ms, p.max_ms, p.count),
            (50.0, 90.0, 99.0, 100.0, 100)
        );
        assert_eq!(percentiles(&mut []).count, 0);
    }

    #[test]
    fn the_rng_is_deterministic_from_its_seed() {
        let (mut a, mut b) = (Rng(7), Rng(7));
        let draws: Vec<usize> = (0..5).map(|_| a.below(100)).collect();
        assert_eq!(draws, (0..5).map(|_| b.below(100)).collect::<Vec<_>>());
        assert!(draws.iter().all(|d| *d < 100));
    }
}
