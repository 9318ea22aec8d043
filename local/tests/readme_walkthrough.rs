//! The README's curl walk-through, run exactly as written against a fresh chat-local.
//! Needs `curl`, `jq` and `bash`, as the README does.

mod common;

use std::process::Command;

use common::Server;

fn walkthrough() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let start = readme
        .find("<!-- walkthrough:start -->")
        .expect("walk-through start marker");
    let end = readme
        .find("<!-- walkthrough:end -->")
        .expect("walk-through end marker");
    let mut script = String::new();
    let mut in_block = false;
    for line in readme[start..end].lines() {
        match line.trim() {
            "```sh" => in_block = true,
            "```" => in_block = false,
            _ if in_block => {
                script.push_str(line);
                script.push('\n');
            }
            _ => {}
        }
    }
    script
}

#[test]
fn the_readme_walkthrough_works_as_written() {
    for tool in ["curl", "jq", "bash"] {
        let found = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))
            .output()
            .unwrap();
        assert!(found.status.success(), "the walk-through needs {tool}");
    }
    let server = Server::start();
    let script = walkthrough();
    assert!(
        script.contains("./target/release/chat-local create-user"),
        "the walk-through makes an admin"
    );
    let script = script.replace(
        "./target/release/chat-local",
        &format!(
            "{} --data-dir {}",
            env!("CARGO_BIN_EXE_chat-local"),
            server.data_path().display()
        ),
    );
    let workdir = tempfile::tempdir().unwrap();
    let steps = workdir.path().join("steps");
    std::fs::create_dir(&steps).unwrap();
    // Every curl of the walk-through records its arguments and response headers, named by the
    // time it started, so that each step's status can be checked in order.
    let recorder = format!(
        r#"curl() {{
    local step="{steps}/$(date +%s%N)"
    printf '%s\n' "$@" > "$step.args"
    command curl -D "$step.headers" "$@"
}}
"#,
        steps = steps.display()
    );
    let output = Command::new("bash")
        .args(["-e", "-o", "pipefail", "-c", &format!("{recorder}{script}")])
        .env("API", server.url(""))
        .current_dir(workdir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the walk-through failed:\n{stdout}\n{stderr}"
    );
    assert_eq!(recorded_steps(&steps), EXPECTED_STEPS, "{stdout}");
    // What each step shows, compared without white space (jq pretty-prints).
    let shown: String = stdout.split_whitespace().collect();
    for expected in [
        r#""username":"alice","display_name":"Alice","role":"member""#,
        r#""device":"phone""#,
        r#"{"type":"message","text":"HiAlice!Saturdayat10?","seq":1}"#,
        r#"{"events":[],"ack":null}"#,
        r#"["group_created","message"]"#,
        r#"{"name":"weekend","last_seq":1,"read_seq":0,"unread":1}"#,
        r#"{"seq":1,"text":"HiAlice!Saturdayat10?"}"#,
        r#"{"read_seq":1}200"#,
        r#""provider""#,
        r#""amount":5000,"currency":"EUR","kind":"credit""#,
        r#""running""paused""running"{"state":"stopped","elapsed_ms":"#,
        r#""amount":50,"currency":"EUR","group_id":"#,
        r#"{"max_amount":2000,"remaining":2000}"#,
        r#"{"balances":[{"currency":"EUR","amount":4950}]}{"balances":[{"currency":"EUR","amount":50}]}[1950]"#,
        r#"["message","group_created","timer","timer","timer","timer","charge"]"#,
        r#"{"seq":1,"text":"HiAlice!Saturdayat10:30?"}"#,
        r#"[{"emoji":"👍","count":1}]"#,
        r#"{"seq":2,"reply_to":1,"files":["spot.png"]}"#,
        // The downloaded file, then the log-out's status.
        "apictureofthemeetingpoint204",
        r#"{"error":{"code":"unauthorized""#,
    ] {
        assert!(shown.contains(expected), "missing {expected} in:\n{stdout}");
    }
}

/// Each request of the walk-through, in order, with the status it must get.
const EXPECTED_STEPS: &[&str] = &[
    "POST /users 201",
    "POST /users 201",
    "POST /sessions 201",
    "POST /sessions 201",
    "POST /sessions 201",
    "GET /me 200",
    "POST /groups 201",
    "POST /poll 200",
    "POST /poll 200",
    "POST /poll 200",
    "POST /groups/{id}/messages 201",
    "POST /poll 200",
    "POST /poll 200",
    "GET /groups 200",
    "GET /groups/{id}/messages 200",
    "PUT /groups/{id}/read 200",
    "POST /groups/{id}/messages 200",
    "POST /sessions 201",
    "POST /users 201",
    "POST /sessions 201",
    "GET /me 200",
    "POST /wallets/{id}/credits 201",
    "POST /groups 201",
    "POST /groups/{id}/timer/start 200",
    "POST /groups/{id}/timer/pause 200",
    "POST /groups/{id}/timer/resume 200",
    "POST /groups/{id}/timer/stop 200",
    "GET /me 200",
    "POST /wallet/authorizations 201",
    "POST /charges 201",
    "GET /wallet 200",
    "GET /wallet 200",
    "GET /wallet/authorizations 200",
    "POST /poll 200",
    "PATCH /groups/{id}/messages/1 200",
    "PUT /groups/{id}/messages/1/reactions/%F0%9F%91%8D 200",
    "POST /groups/{id}/attachments 201",
    "PUT /files/{id}/{id} 200",
    "POST /groups/{id}/messages 201",
    "GET /groups/{id}/messages 200",
    "GET /files/{id}/{id} 200",
    "DELETE /sessions/current 204",
    "GET /me 401",
];

/// The recorded requests as "METHOD /path STATUS", ids shown as `{id}`, in the order sent.
fn recorded_steps(steps: &std::path::Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(steps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "args"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|args_path| {
            let args = std::fs::read_to_string(args_path).unwrap();
            let args: Vec<&str> = args.lines().collect();
            let method = args
                .iter()
                .position(|a| *a == "-X")
                .map_or("GET", |i| args[i + 1]);
            let url = args.iter().find(|a| a.starts_with("http")).expect("a URL");
            let path = url.split_once("://").unwrap().1;
            let path = &path[path.find('/').unwrap()..];
            let path = path.split('?').next().unwrap();
            let path: Vec<&str> = path
                .split('/')
                .map(|segment| {
                    if segment.len() == 36 && segment.matches('-').count() == 4 {
                        "{id}"
                    } else {
                        segment
                    }
                })
                .collect();
            let headers =
                std::fs::read_to_string(args_path.with_extension("headers")).unwrap_or_default();
            let status = headers
                .split_whitespace()
                .nth(1)
                .unwrap_or("none")
                .to_string();
            format!("{method} {} {status}", path.join("/"))
        })
        .collect()
}
