import { describe, expect, it } from "vitest";
import { ApiError, ChatApi, type Message } from "../../src/api/client";
import { deliver, type RetryPolicy } from "../../src/sync/outbox";

const noWait: RetryPolicy = { attempts: 5, delay: () => 0, sleep: async () => {} };

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

describe("sending with retries", () => {
  it("retries a send that got no answer with the same client_msg_id, and shows one message", async () => {
    const bodies: { client_msg_id: string }[] = [];
    let calls = 0;
    const api = new ChatApi("", "token", async (_url, init) => {
      bodies.push(JSON.parse(String(init?.body)));
      calls += 1;
      if (calls === 1) throw new TypeError("Failed to fetch");
      if (calls === 2) return answer(503, { error: { code: "unavailable", message: "busy" } });
      return answer(200, { message: { seq: 1, client_msg_id: bodies[0].client_msg_id } });
    });
    const retried: number[] = [];
    const { message } = await deliver(
      () => api.sendMessage("g", { text: "hi", client_msg_id: "k1" }),
      (_failure, retry) => retried.push(retry),
      noWait,
    );
    expect(retried).toEqual([1, 2]);
    expect(bodies.map((body) => body.client_msg_id)).toEqual(["k1", "k1", "k1"]);
    expect((message as Message).client_msg_id).toBe("k1");
  });

  it("does not retry a refusal", async () => {
    let calls = 0;
    const api = new ChatApi("", "token", async () => {
      calls += 1;
      return answer(404, { error: { code: "not_found", message: "no such group" } });
    });
    const failure = await deliver(
      () => api.sendMessage("g", { text: "hi", client_msg_id: "k1" }),
      () => {},
      noWait,
    ).catch((error) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 404, code: "not_found", retryable: false });
    expect(calls).toBe(1);
  });

  it("waits as long as Retry-After says, and gives up after its attempts", async () => {
    const waits: number[] = [];
    const api = new ChatApi("", "token", async () =>
      answer(429, { error: { code: "rate_limited", message: "slow down" } }, { "retry-after": "2" }),
    );
    const failure = await deliver(
      () => api.sendMessage("g", { text: "hi", client_msg_id: "k1" }),
      () => {},
      { attempts: 3, delay: () => 1, sleep: async (ms) => void waits.push(ms) },
    ).catch((error) => error);
    expect(waits).toEqual([2000, 2000]);
    expect(failure).toMatchObject({ status: 429, code: "rate_limited", retryable: true });
  });
});

describe("ChatApi", () => {
  it("sends the bearer token and JSON, and percent-encodes path segments", async () => {
    const seen: { url: string; init?: RequestInit }[] = [];
    const api = new ChatApi("https://api.example.test/prod", "t0k", async (url, init) => {
      seen.push({ url: String(url), init });
      return answer(200, { message: {} });
    });
    await api.react("g 1", 3, "👍");
    expect(seen[0].url).toBe("https://api.example.test/prod/groups/g%201/messages/3/reactions/%F0%9F%91%8D");
    expect(seen[0].init?.method).toBe("PUT");
    expect((seen[0].init?.headers as Record<string, string>).authorization).toBe("Bearer t0k");
  });

  it("turns an answer that is not the error document into an ApiError all the same", async () => {
    const api = new ChatApi("", null, async () => new Response("<html>bad gateway</html>", { status: 502 }));
    await expect(api.me()).rejects.toMatchObject({ status: 502, code: "internal", retryable: true });
  });

  it("answers undefined for 204", async () => {
    const api = new ChatApi("", "t", async () => answer(204, null));
    await expect(api.logOut()).resolves.toBeUndefined();
  });
});
