//! Builds the web app in `web/` (npm + Vite) and embeds its files, so that
//! `cargo run -p chat-local` serves it at `/` with no step of its own. Without Node.js and npm,
//! or with `CHAT_WEB_SKIP=1`, chat-local builds anyway and `/` explains what is missing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let web = manifest.join("../web");
    let out = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    let dist = out.join("web");
    for input in [
        "src",
        "public",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    println!("cargo:rerun-if-env-changed=CHAT_WEB_SKIP");

    let built = if env::var("CHAT_WEB_SKIP").as_deref() == Ok("1") {
        Err("it was built with CHAT_WEB_SKIP=1".to_string())
    } else {
        build(&web, &dist)
    };
    let mut code = String::new();
    match built {
        Ok(files) => {
            code.push_str("pub const MISSING: Option<&str> = None;\n");
            code.push_str("pub const ASSETS: &[(&str, &[u8])] = &[\n");
            for file in files {
                let relative = file.strip_prefix(&dist).expect("under dist");
                let route = relative.to_string_lossy().replace('\\', "/");
                writeln!(
                    code,
                    "    (\"/{route}\", include_bytes!({:?})),",
                    file.display()
                )
                .expect("writing to a String");
            }
            code.push_str("];\n");
        }
        Err(reason) => {
            println!("cargo:warning=chat-local is built without the web app: {reason}");
            // A path that never exists makes cargo run this script on every build, so that
            // installing Node.js and npm is all it takes for the next build to have the app.
            println!(
                "cargo:rerun-if-changed={}",
                out.join("web-app-not-built").display()
            );
            writeln!(code, "pub const MISSING: Option<&str> = Some({reason:?});")
                .expect("writing to a String");
            code.push_str("pub const ASSETS: &[(&str, &[u8])] = &[];\n");
        }
    }
    fs::write(out.join("web_assets.rs"), code).expect("OUT_DIR is writable");
}

/// `npm ci` when `node_modules` is missing or older than the lock file, then `vite build`
/// into `dist`; answers the files built.
fn build(web: &Path, dist: &Path) -> Result<Vec<PathBuf>, String> {
    let lock = web.join("package-lock.json");
    let installed = web.join("node_modules/.package-lock.json");
    let stale = match (fs::metadata(&lock), fs::metadata(&installed)) {
        (Ok(lock), Ok(installed)) => lock.modified().ok() > installed.modified().ok(),
        _ => true,
    };
    if stale {
        run(web, &["ci", "--no-audit", "--no-fund"])?;
    }
    let out_dir = dist.to_string_lossy();
    run(
        web,
        &["run", "build", "--", "--outDir", &out_dir, "--emptyOutDir"],
    )?;
    let mut files = Vec::new();
    collect(dist, &mut files).map_err(|e| format!("reading {}: {e}", dist.display()))?;
    files.sort();
    Ok(files)
}

fn run(web: &Path, args: &[&str]) -> Result<(), String> {
    // Captured rather than inherited: a build script's standard output is read by cargo.
    let output = Command::new("npm")
        .args(args)
        .current_dir(web)
        .output()
        .map_err(|e| format!("npm could not be started ({e}); install Node.js 20+ and npm"))?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let last_lines: Vec<&str> = said.lines().rev().take(5).collect();
    Err(format!(
        "`npm {}` failed ({}): {}",
        args.join(" "),
        output.status,
        last_lines.into_iter().rev().collect::<Vec<_>>().join(" / ")
    ))
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}
