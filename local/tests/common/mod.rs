//! A chat-local process for tests, and a small JSON client for it.
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub const PASSWORD: &str = "correct-horse-battery";

/// A chat-local process on a free loopback port, with its own data folder.
pub struct Server {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    extra_args: Vec<String>,
    child: Option<Child>,
    log_path: PathBuf,
    _dir: Option<tempfile::TempDir>,
    pub client: reqwest::Client,
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address")
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// Starts chat-local on a copy of an existing data folder (one written by an earlier
    /// version, say).
    pub fn start_on_copy_of(data_folder: &Path) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        std::fs::create_dir_all(&data_dir).expect("data folder");
        for entry in std::fs::read_dir(data_folder).expect("the folder to copy") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), data_dir.join(entry.file_name())).expect("copy");
        }
        let mut server = Server {
            addr: free_port(),
            data_dir,
            extra_args: Vec::new(),
            child: None,
            log_path: dir.path().join("chat-local.log"),
            _dir: Some(dir),
            client: reqwest::Client::new(),
        };
        server.spawn();
        server
    }

    /// Starts chat-local with extra flags (short TTLs, say).
    pub fn start_with(extra_args: &[&str]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut server = Server {
            addr: free_port(),
            data_dir: dir.path().join("data"),
            extra_args: extra_args.iter().map(|s| s.to_string()).collect(),
            child: None,
            log_path: dir.path().join("chat-local.log"),
            _dir: Some(dir),
            client: reqwest::Client::new(),
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_chat-local"))
            .arg("--addr")
            .arg(self.addr.to_string())
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(&self.extra_args)
            .env("RUST_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start chat-local");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(self.addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "chat-local did not start: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill_hard(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("kill chat-local");
            child.wait().expect("reap chat-local");
        }
    }

    /// SIGKILL, then start again on the same data folder (and a new port).
    pub fn restart_after_kill(&mut self) {
        self.kill_hard();
        self.addr = free_port();
        self.spawn();
    }

    /// SIGINT, as Ctrl-C; returns whether the process exited by itself in time.
    pub fn interrupt_and_wait(&mut self, within: Duration) -> bool {
        let Some(mut child) = self.child.take() else {
            return true;
        };
        let status = Command::new("kill")
            .arg("-INT")
            .arg(child.id().to_string())
            .status()
            .expect("send SIGINT");
        assert!(status.success());
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return status.success();
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub fn data_path(&self) -> &Path {
        &self.data_dir
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sends a request with an optional token and JSON body; returns status and JSON body
    /// (`Value::Null` when there is none).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request reaches chat-local");
        let status = response.status();
        let bytes = response.bytes().await.expect("response body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| panic!("non-JSON body: {}", String::from_utf8_lossy(&bytes)))
        };
        (status, body)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// Signs a member up; returns its id.
    pub async fn sign_up(&self, username: &str) -> String {
        let (status, body) = self
            .post(
                "/users",
                None,
                json!({ "username": username, "password": PASSWORD }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["user"]["id"].as_str().expect("user id").to_string()
    }

    /// Logs in on a device; returns the token.
    pub async fn login(&self, username: &str, device: &str) -> String {
        let (status, body) = self
            .post(
                "/sessions",
                None,
                json!({ "username": username, "password": PASSWORD, "device": device }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_string()
    }

    /// Creates a user with a role through the `create-user` command, as an operator would.
    pub fn create_user_with_role(&self, username: &str, role: &str) {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_chat-local"))
            .args(["--data-dir"])
            .arg(&self.data_dir)
            .args([
                "create-user",
                "--username",
                username,
                "--role",
                role,
                "--password-stdin",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run create-user");
        writeln!(child.stdin.take().expect("stdin"), "{PASSWORD}").expect("write password");
        let output = child.wait_with_output().expect("create-user output");
        assert!(
            output.status.success(),
            "create-user failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// One poll: the events and the ack token.
pub async fn poll(
    server: &Server,
    token: &str,
    wait: f64,
    ack: Option<&str>,
) -> (Vec<Value>, Option<String>) {
    let mut body = json!({ "wait": wait });
    if let Some(ack) = ack {
        body["ack"] = json!(ack);
    }
    let (status, answer) = server.post("/poll", Some(token), body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let events = answer["events"].as_array().expect("events").clone();
    let ack = answer["ack"].as_str().map(str::to_string);
    assert_eq!(
        events.is_empty(),
        ack.is_none(),
        "ack is null exactly when there are no events"
    );
    (events, ack)
}

/// Polls without waiting, acknowledging as it goes, until the inbox is empty.
pub async fn drain(server: &Server, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut ack: Option<String> = None;
    for _ in 0..1000 {
        let (events, next) = poll(server, token, 0.0, ack.as_deref()).await;
        if events.is_empty() {
            return all;
        }
        all.extend(events);
        ack = next;
    }
    panic!("inbox never emptied");
}

/// Creates a group of the owner and members; returns its id.
pub async fn create_group(server: &Server, owner_token: &str, member_ids: &[&str]) -> String {
    let (status, body) = server
        .post(
            "/groups",
            Some(owner_token),
            json!({ "kind": "group", "name": "team", "member_ids": member_ids }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["group"]["id"].as_str().expect("group id").to_string()
}

pub async fn send(
    server: &Server,
    token: &str,
    group_id: &str,
    text: &str,
    client_msg_id: &str,
) -> (StatusCode, Value) {
    server
        .post(
            &format!("/groups/{group_id}/messages"),
            Some(token),
            json!({ "text": text, "client_msg_id": client_msg_id }),
        )
        .await
}

pub fn message_events(events: &[Value]) -> Vec<&Value> {
    events.iter().filter(|e| e["type"] == "message").collect()
}
