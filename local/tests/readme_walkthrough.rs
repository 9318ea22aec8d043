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
    let output = Command::new("bash")
        .args(["-e", "-o", "pipefail", "-c", &script])
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
    for expected in [
        r#""display_name": "Alice""#,
        r#""text": "Hi Alice! Saturday at 10?""#,
        r#""unread": 1"#,
        r#""read_seq": 1"#,
        " 200",
        r#""provider""#,
        r#""stopped""#,
        r#""amount": 4950"#,
        r#""amount": 50"#,
        "\"charge\"",
        "204",
        r#""code": "unauthorized""#,
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected} in:\n{stdout}"
        );
    }
}
