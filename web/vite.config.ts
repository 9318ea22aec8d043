import { defineConfig } from "vitest/config";

// The API's top-level paths: `npm run dev` serves the app with hot reload on :5173 and passes
// these to a chat-local on :3000 (the live channel included).
const API_PATHS = ["/users", "/sessions", "/me", "/blocks", "/groups", "/poll", "/live", "/wallet",
  "/wallets", "/charges", "/files", "/openapi.json"];

// Preact's JSX runtime, compiled by Vite's own transformer: no plugin needed.
export default defineConfig({
  server: {
    proxy: Object.fromEntries(
      API_PATHS.map((path) => [path, { target: "http://127.0.0.1:3000", ws: path === "/live" }]),
    ),
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { target: "es2022", sourcemap: false },
  test: { include: ["tests/unit/**/*.test.ts"], environment: "node" },
});
