// The device's event feed: the live channel (WebSocket) when it can be had, long-polling when
// not, and the client algorithm of docs/API.md around both: ping and pong before draining the
// inbox, drain again once an abandoned poll's events are visible, re-read after every
// reconnect, back-off from 1 s doubling to 30 s.

import { ApiError, type ChatApi, type ChatEvent } from "../api/client";
import { SeenEvents } from "./dedup";

export type ConnectionState =
  | { kind: "connecting"; attempt: number }
  | { kind: "live" }
  | { kind: "polling"; reason: string }
  | { kind: "offline"; retryInSeconds?: number }
  | { kind: "ended" };

export interface ConnectionHooks {
  /** An event not seen before, by whichever transport. */
  onEvent(event: ChatEvent): void;
  onTyping(groupId: string, userId: string): void;
  onState(state: ConnectionState): void;
  /** After each (re)connect has drained the inbox: re-read the groups, fill gaps (step 4). */
  onCaughtUp(): void;
  /** The session was ended (logout elsewhere, expiry): the token is no good any more. */
  onSessionEnded(): void;
}

const PONG_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_MS = 5 * 60_000;
const VISIBILITY_PERIOD_MS = 31_000;
const POLL_MODE_MS = 60_000;
const MIN_EMPTY_POLL_MS = 1000;

export class Connection {
  private readonly seen = new SeenEvents();
  private ack: string | null = null;
  private stopped = false;
  private socket: WebSocket | null = null;
  private pollAbort: AbortController | null = null;
  private wake: (() => void) | null = null;
  private abandonedPoll = false;
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(
    private readonly api: ChatApi,
    private readonly hooks: ConnectionHooks,
  ) {}

  start(): void {
    addEventListener("online", this.onOnline);
    addEventListener("offline", this.onOffline);
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    removeEventListener("online", this.onOnline);
    removeEventListener("offline", this.onOffline);
    this.timers.forEach(clearTimeout);
    this.socket?.close(1000);
    this.pollAbort?.abort();
    this.wake?.();
  }

  /** Tells the group's other members' live devices that this user is typing. */
  sendTyping(groupId: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ action: "typing", group_id: groupId }));
    }
  }

  private readonly onOnline = () => this.wake?.();
  private readonly onOffline = () => {
    // The socket may look open for a long while after the network went: drop it now, and
    // catch up from the inbox and history when the network is back.
    this.socket?.close(1000);
    this.pollAbort?.abort();
  };

  private async run(): Promise<void> {
    let failures = 0;
    let liveFailures = 0;
    while (!this.stopped) {
      if (!navigator.onLine) {
        this.hooks.onState({ kind: "offline" });
        await this.pause(30_000);
        continue;
      }
      try {
        if (liveFailures >= 2) {
          liveFailures = 0;
          await this.pollFor(POLL_MODE_MS, "the live channel could not be opened");
          failures = 0;
          continue;
        }
        this.hooks.onState({ kind: "connecting", attempt: failures + 1 });
        const socket = await this.openLive().catch((error) => {
          if (!(error instanceof ApiError)) liveFailures += 1;
          throw error;
        });
        liveFailures = 0;
        this.hooks.onState({ kind: "live" });
        const closed = this.untilClosed(socket);
        try {
          await this.drain();
        } catch (error) {
          // Without the drain, events queued before the pong would wait: start over.
          socket.close(1000);
          throw error;
        }
        failures = 0;
        this.hooks.onCaughtUp();
        if (this.abandonedPoll) {
          this.abandonedPoll = false;
          this.later(VISIBILITY_PERIOD_MS, () => void this.drain().catch(() => {}));
        }
        const code = await closed;
        if (code === 4001) throw new ApiError(401, "unauthorized", "The session ended.");
        // Replaced by another connection of this session (a second tab in a browser without
        // Web Locks): back off rather than take it back at once, over and over.
        if (code === 4000) failures += 1;
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof ApiError && error.status === 401) {
          this.stopped = true;
          this.hooks.onState({ kind: "ended" });
          this.hooks.onSessionEnded();
          return;
        }
        failures += 1;
      }
      if (this.stopped) return;
      const wait = failures === 0 ? 0 : Math.min(1000 * 2 ** (failures - 1), 30_000);
      if (wait > 0) this.hooks.onState({ kind: "offline", retryInSeconds: wait / 1000 });
      await this.pause(wait);
    }
  }

  /** Steps 1 of the algorithm: a ticket, the socket, a ping, and its pong. */
  private async openLive(): Promise<WebSocket> {
    const grant = await this.api.liveTicket();
    const url = new URL(grant.url);
    url.searchParams.set("ticket", grant.ticket);
    const socket = new WebSocket(url);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => {
        socket.close();
        reject(new Error("no pong"));
      }, PONG_TIMEOUT_MS);
      socket.onopen = () => socket.send(JSON.stringify({ action: "ping" }));
      socket.onerror = () => {
        clearTimeout(timeout);
        reject(new Error("the socket failed"));
      };
      socket.onclose = () => {
        clearTimeout(timeout);
        reject(new Error("the socket closed"));
      };
      socket.onmessage = (frame) => {
        const data = parse(frame.data);
        if (data?.type === "pong") {
          clearTimeout(timeout);
          resolve();
        } else {
          this.receive(data);
        }
      };
    });
    return socket;
  }

  /** Resolves with the close code once the socket is gone; keeps it alive meanwhile. */
  private untilClosed(socket: WebSocket): Promise<number> {
    return new Promise((resolve) => {
      let closingCode: number | null = null;
      const keepAlive = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ action: "ping" }));
      }, KEEP_ALIVE_MS);
      socket.onmessage = (frame) => {
        const data = parse(frame.data);
        // On AWS the server's close code arrives as a last frame before the close.
        if (data?.type === "closing" && typeof data.code === "number") closingCode = data.code;
        else this.receive(data);
      };
      socket.onerror = null;
      socket.onclose = (close) => {
        clearInterval(keepAlive);
        if (this.socket === socket) this.socket = null;
        resolve(closingCode ?? close.code);
      };
    });
  }

  private receive(data: Record<string, unknown> | null): void {
    if (!data) return;
    if (data.type === "typing") {
      this.hooks.onTyping(String(data.group_id), String(data.user_id));
    } else if (typeof data.id === "string" && data.type !== "error" && data.type !== "pong") {
      this.deliver(data as unknown as ChatEvent);
    }
  }

  private deliver(event: ChatEvent): void {
    if (this.seen.firstSight(event.id)) this.hooks.onEvent(event);
  }

  /** Step 2: poll without waiting, handing back each ack, until the inbox is empty. */
  private async drain(): Promise<void> {
    for (let round = 0; round < 100 && !this.stopped; round++) {
      const answer = await this.api.poll({ wait: 0, ack: this.ack });
      this.ack = answer.ack ?? null;
      answer.events.forEach((event) => this.deliver(event));
      if (answer.events.length === 0) return;
    }
  }

  /** Long-polls for a while, for when the live channel cannot be had. */
  private async pollFor(milliseconds: number, reason: string): Promise<void> {
    this.hooks.onState({ kind: "polling", reason });
    const until = Date.now() + milliseconds;
    let first = true;
    while (!this.stopped && Date.now() < until && navigator.onLine) {
      this.pollAbort = new AbortController();
      const asked = Date.now();
      try {
        const answer = await this.api.poll({ wait: 20, ack: this.ack }, this.pollAbort.signal);
        this.ack = answer.ack ?? null;
        answer.events.forEach((event) => this.deliver(event));
        if (first) this.hooks.onCaughtUp();
        first = false;
        // A server that caps the wait low (CHAT_MAX_POLL_WAIT_SECONDS) answers an empty poll
        // at once: do not spin.
        if (answer.events.length === 0 && Date.now() - asked < MIN_EMPTY_POLL_MS) {
          await this.pause(MIN_EMPTY_POLL_MS);
        }
      } catch (error) {
        if (this.pollAbort.signal.aborted) {
          // Its events, if any, stay hidden for the visibility period (step 3).
          this.abandonedPoll = true;
          return;
        }
        throw error;
      } finally {
        this.pollAbort = null;
      }
    }
  }

  private pause(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, milliseconds);
      const wake = () => done();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = wake;
    });
  }

  private later(milliseconds: number, task: () => void): void {
    this.timers.push(setTimeout(task, milliseconds));
  }
}

function parse(data: unknown): Record<string, unknown> | null {
  if (typeof data !== "string") return null;
  try {
    const value = JSON.parse(data);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}
