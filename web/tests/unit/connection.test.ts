import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatApi, ChatEvent } from "../../src/api/client";
import { Connection, type ConnectionState } from "../../src/sync/connection";

/** A WebSocket the test drives: it opens, answers and closes when told to. */
class FakeSocket {
  static OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onclose: ((close: { code: number }) => void) | null = null;
  onmessage: ((frame: { data: string }) => void) | null = null;
  constructor(readonly url: URL) {
    FakeSocket.made.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  fail() {
    this.onerror?.();
  }
}

function event(id: string, seq: number): ChatEvent {
  return {
    id,
    type: "message",
    group_id: "g",
    at: "2026-11-30T10:00:00Z",
    message: {
      id: `m${seq}`,
      group_id: "g",
      seq,
      sender_id: "bob",
      text: `hi ${seq}`,
      client_msg_id: `c${seq}`,
      sent_at: "2026-11-30T10:00:00Z",
    },
  } as ChatEvent;
}

function fakeApi(pollAnswers: { events: ChatEvent[]; ack: string | null }[]) {
  const polls: { wait?: number; ack?: string | null }[] = [];
  const api = {
    liveTicket: vi.fn(async () => ({
      ticket: "tk",
      url: "ws://chat.test/live",
      expires_at: "2026-11-30T10:00:30Z",
    })),
    poll: vi.fn(async (body: { wait?: number; ack?: string | null }) => {
      polls.push(body);
      return pollAnswers.shift() ?? { events: [], ack: null };
    }),
  };
  return { api: api as unknown as ChatApi, polls, calls: api };
}

function recorder() {
  const seen: string[] = [];
  const states: ConnectionState["kind"][] = [];
  const hooks = {
    onEvent: vi.fn((e: ChatEvent) => void seen.push(e.id)),
    onTyping: vi.fn(),
    onState: vi.fn((state: ConnectionState) => void states.push(state.kind)),
    onCaughtUp: vi.fn(),
    onSessionEnded: vi.fn(),
  };
  return { seen, states, hooks };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

/** Opens a fake socket and answers its ping, as a live server would. */
async function goLive(socket: FakeSocket) {
  socket.open();
  socket.receive({ type: "pong" });
  await flush();
}

describe("Connection", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.made = [];
    vi.stubGlobal("WebSocket", FakeSocket);
    vi.stubGlobal("navigator", { onLine: true });
    vi.stubGlobal("addEventListener", () => {});
    vi.stubGlobal("removeEventListener", () => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("pings, waits for the pong, then drains the inbox handing back each ack", async () => {
    const { api, polls } = fakeApi([
      { events: [event("e1", 1), event("e2", 2)], ack: "a1" },
      { events: [event("e3", 3)], ack: "a2" },
      { events: [], ack: null },
    ]);
    const { seen, states, hooks } = recorder();
    const connection = new Connection(api, hooks);
    connection.start();
    await flush();
    const socket = FakeSocket.made[0];
    expect(socket.url.searchParams.get("ticket")).toBe("tk");
    socket.open();
    expect(socket.sent).toEqual([{ action: "ping" }]);
    // Nothing is drained before the pong: what comes after it is pushed.
    expect(polls).toHaveLength(0);
    socket.receive({ type: "pong" });
    await flush();
    expect(polls).toEqual([
      { wait: 0, ack: null },
      { wait: 0, ack: "a1" },
      { wait: 0, ack: "a2" },
    ]);
    expect(seen).toEqual(["e1", "e2", "e3"]);
    expect(hooks.onCaughtUp).toHaveBeenCalledTimes(1);
    expect(states).toContain("live");
    connection.stop();
  });

  it("drops an event that comes by both the socket and the inbox", async () => {
    const { api } = fakeApi([{ events: [event("e1", 1)], ack: "a1" }]);
    const { seen, hooks } = recorder();
    const connection = new Connection(api, hooks);
    connection.start();
    await flush();
    const socket = FakeSocket.made[0];
    await goLive(socket);
    socket.receive(event("e1", 1));
    socket.receive(event("e2", 2));
    socket.receive(event("e2", 2));
    socket.receive({ type: "typing", group_id: "g", user_id: "bob" });
    expect(seen).toEqual(["e1", "e2"]);
    expect(hooks.onTyping).toHaveBeenCalledWith("g", "bob");
    connection.stop();
  });

  it("reconnects with a new ticket when the socket closes, and catches up again", async () => {
    const { api, calls } = fakeApi([]);
    const { hooks } = recorder();
    const connection = new Connection(api, hooks);
    connection.start();
    await flush();
    await goLive(FakeSocket.made[0]);
    FakeSocket.made[0].close(1006);
    await flush();
    expect(calls.liveTicket).toHaveBeenCalledTimes(2);
    await goLive(FakeSocket.made[1]);
    expect(hooks.onCaughtUp).toHaveBeenCalledTimes(2);
    connection.stop();
  });

  it("ends the session when the server closes with 4001, and connects no more", async () => {
    const { api, calls } = fakeApi([]);
    const { states, hooks } = recorder();
    const connection = new Connection(api, hooks);
    connection.start();
    await flush();
    await goLive(FakeSocket.made[0]);
    // On AWS the code comes as a last frame before the close.
    FakeSocket.made[0].receive({ type: "closing", code: 4001, reason: "session ended" });
    FakeSocket.made[0].close(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(hooks.onSessionEnded).toHaveBeenCalledTimes(1);
    expect(states.at(-1)).toBe("ended");
    expect(calls.liveTicket).toHaveBeenCalledTimes(1);
  });

  it("long-polls when the socket cannot be opened, backing off between tries", async () => {
    const { api, polls, calls } = fakeApi([{ events: [event("e1", 1)], ack: "a1" }]);
    const { seen, states, hooks } = recorder();
    const connection = new Connection(api, hooks);
    connection.start();
    await flush();
    FakeSocket.made[0].fail();
    await flush();
    // The second try waits a second.
    expect(calls.liveTicket).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.liveTicket).toHaveBeenCalledTimes(2);
    FakeSocket.made[1].fail();
    await vi.advanceTimersByTimeAsync(2000);
    expect(states).toContain("polling");
    expect(polls[0]).toEqual({ wait: 20, ack: null });
    expect(polls[1]).toEqual({ wait: 20, ack: "a1" });
    expect(seen).toEqual(["e1"]);
    connection.stop();
  });
});
