// Measures the JavaScript a first visit loads: every script and module preload that the built
// index.html names, gzipped (level 9, as a CDN would serve it). Fails over the budget.
//   node scripts/bundle-size.mjs [dist folder]   (default: dist; build it first)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 150 * 1024;
const dist = process.argv[2] ?? new URL("../dist", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const scripts = [
  ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
].map((match) => match[1]);
if (scripts.length === 0) throw new Error("index.html names no script: is this a build?");
let total = 0;
for (const src of scripts) {
  const bytes = readFileSync(join(dist, src.replace(/^\.?\//, "")));
  const gzipped = gzipSync(bytes, { level: 9 }).length;
  total += gzipped;
  console.log(`${src}: ${bytes.length} bytes, ${gzipped} gzipped`);
}
console.log(`first load JavaScript: ${(total / 1024).toFixed(1)} KiB gzipped (budget 150 KiB)`);
if (total > BUDGET_BYTES) {
  console.error("over budget");
  process.exit(1);
}
