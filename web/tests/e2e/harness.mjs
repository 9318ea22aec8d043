// What the end-to-end tests run on: a chat-local of its own (fresh data folder, free port,
// 127.0.0.1 only) and Debian's Chromium driven by playwright-core.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "../../..");
const BINARY = process.env.CHAT_LOCAL_BIN ?? join(ROOT, "target/debug/chat-local");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const PASSWORD = "correct horse battery";

async function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Starts chat-local with the given users already in its store; answers its base URL. */
export async function startChatLocal(users) {
  const dataDir = mkdtempSync(join(tmpdir(), "chat-e2e-"));
  for (const { username, role } of users) {
    const made = spawnSync(
      BINARY,
      ["--data-dir", dataDir, "create-user", "--username", username, "--role", role, "--password-stdin"],
      { input: `${PASSWORD}\n`, encoding: "utf8" },
    );
    if (made.status !== 0) throw new Error(`create-user ${username}: ${made.stderr}`);
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(BINARY, ["--data-dir", dataDir, "--addr", `127.0.0.1:${port}`], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, RUST_LOG: "warn" },
  });
  let log = "";
  server.stderr.on("data", (chunk) => (log = (log + chunk).slice(-20_000)));
  for (let tries = 0; ; tries++) {
    try {
      const answer = await fetch(`${base}/`);
      if (answer.ok) break;
    } catch {
      // not listening yet
    }
    if (tries > 100) throw new Error(`chat-local did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    log: () => log,
    async stop() {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Chromium's own background traffic is refused on a closed network: keep it from trying.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Waits until `condition` holds, checking every 25 ms; answers the milliseconds it took. */
export async function within(milliseconds, what, condition) {
  const started = Date.now();
  for (;;) {
    if (await condition()) return Date.now() - started;
    if (Date.now() - started > milliseconds) {
      throw new Error(`not within ${milliseconds} ms: ${what}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
