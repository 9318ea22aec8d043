import { defineConfig } from "vitest/config";

// Preact's JSX runtime, compiled by Vite's own transformer: no plugin needed.
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { target: "es2022", sourcemap: false },
  test: { include: ["tests/unit/**/*.test.ts"], environment: "node" },
});
