// Tabs of one browser share one session (the token is kept in localStorage), and a session has
// one live connection: a second socket would replace the first. So one tab, the holder of a
// Web Lock, runs the connection and passes every event to the others over a
// BroadcastChannel; when it closes, another tab takes the lock and connects.

import type { ConnectionHooks, ConnectionState } from "./connection";

export interface TabFeed {
  stop(): void;
  sendTyping(groupId: string): void;
}

type Frame =
  | { kind: "event"; event: Parameters<ConnectionHooks["onEvent"]>[0] }
  | { kind: "typing"; groupId: string; userId: string }
  | { kind: "state"; state: ConnectionState }
  | { kind: "caught-up" }
  | { kind: "ended" }
  | { kind: "typing-out"; groupId: string }
  | { kind: "hello" };

export function followOrLead(
  name: string,
  lead: (hooks: ConnectionHooks) => TabFeed,
  hooks: ConnectionHooks,
): TabFeed {
  if (!("locks" in navigator) || typeof BroadcastChannel === "undefined") {
    return lead(hooks);
  }
  const channel = new BroadcastChannel(name);
  let leader: TabFeed | null = null;
  let stopped = false;
  let release: () => void = () => {};
  let lastState: ConnectionState | null = null;

  channel.onmessage = ({ data }: MessageEvent<Frame>) => {
    if (leader) {
      if (data.kind === "typing-out") leader.sendTyping(data.groupId);
      // A tab opened later learns how the connection stands.
      if (data.kind === "hello" && lastState) channel.postMessage({ kind: "state", state: lastState });
      return;
    }
    switch (data.kind) {
      case "event":
        return hooks.onEvent(data.event);
      case "typing":
        return hooks.onTyping(data.groupId, data.userId);
      case "state":
        return hooks.onState(data.state);
      case "caught-up":
        return hooks.onCaughtUp();
      case "ended":
        return hooks.onSessionEnded();
    }
  };

  channel.postMessage({ kind: "hello" } satisfies Frame);
  void navigator.locks.request(name, () => {
    if (stopped) return;
    const post = (frame: Frame) => channel.postMessage(frame);
    leader = lead({
      onEvent: (event) => {
        hooks.onEvent(event);
        post({ kind: "event", event });
      },
      onTyping: (groupId, userId) => {
        hooks.onTyping(groupId, userId);
        post({ kind: "typing", groupId, userId });
      },
      onState: (state) => {
        lastState = state;
        hooks.onState(state);
        post({ kind: "state", state });
      },
      onCaughtUp: () => {
        hooks.onCaughtUp();
        post({ kind: "caught-up" });
      },
      onSessionEnded: () => {
        post({ kind: "ended" });
        hooks.onSessionEnded();
      },
    });
    // Held until this tab stops (logout, close): then the next tab leads.
    return new Promise<void>((resolve) => (release = resolve));
  });

  return {
    stop() {
      stopped = true;
      leader?.stop();
      leader = null;
      release();
      channel.close();
    },
    sendTyping(groupId) {
      if (leader) leader.sendTyping(groupId);
      else channel.postMessage({ kind: "typing-out", groupId } satisfies Frame);
    },
  };
}
