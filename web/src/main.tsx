import { render } from "preact";
import { ChatStore } from "./state";
import { App } from "./ui/App";
import "./styles.css";

interface RuntimeConfig {
  /** The HTTP API's base URL (on AWS the stack output ApiUrl); "" for this page's origin. */
  api_base_url?: string;
}

// config.json is read at run time, so one build serves chat-local and any AWS stack.
async function start(): Promise<void> {
  const config: RuntimeConfig = await fetch("./config.json", { cache: "no-cache" })
    .then((answer) => (answer.ok ? answer.json() : {}))
    .catch(() => ({}));
  const store = new ChatStore((config.api_base_url ?? "").replace(/\/+$/, ""));
  render(<App store={store} />, document.getElementById("app")!);
  await store.resume();
}

void start();
