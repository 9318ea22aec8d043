// A typed client of the chat HTTP API, usable on its own by any browser or Node app.
// Every method's body and answer types come from schema.ts, which is generated from
// docs/openapi.json: when the contract changes, `npm run check` fails where this drifts.

import type { components, operations } from "./schema";

export type Schemas = components["schemas"];
export type User = Schemas["User"];
export type Session = Schemas["Session"];
export type Group = Schemas["Group"];
export type GroupSummary = Schemas["GroupSummary"];
export type GroupDetail = Schemas["GroupDetail"];
export type MemberPresence = Schemas["MemberPresence"];
export type Message = Schemas["Message"];
export type Attachment = Schemas["Attachment"];
export type ChatEvent = Schemas["Event"];
export type Timer = Schemas["TimerView"];
export type Rate = Schemas["Rate"];
export type Charge = Schemas["Charge"];
export type LedgerEntry = Schemas["LedgerEntry"];
export type Balance = Schemas["Balance"];
export type SpendingAuthorization = Schemas["Authorization"];
export type UploadGrant = Schemas["UploadGrant"];
export type ErrorCode = Schemas["ErrorCode"];

type JsonBody<Op> = Op extends { requestBody?: { content: { "application/json": infer B } } }
  ? B
  : never;
type Success<Op> = Op extends { responses: infer R }
  ? {
      [S in keyof R]: S extends 200 | 201
        ? R[S] extends { content: { "application/json": infer B } }
          ? B
          : never
        : never;
    }[keyof R]
  : never;
type Body<Id extends keyof operations> = JsonBody<operations[Id]>;
type Answer<Id extends keyof operations> = Success<operations[Id]>;

/** An answer other than 2xx, in the contract's error format, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "network",
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** Whether the same request may succeed later: no answer, a timeout, throttling, or a 5xx. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

const segment = encodeURIComponent;

export class ChatApi {
  /** `baseUrl`: the API's origin and stage path, "" for the page's own origin. */
  constructor(
    readonly baseUrl: string,
    public token: string | null = null,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  signUp(body: Body<"sign_up">): Promise<Answer<"sign_up">> {
    return this.send("POST", "/users", body);
  }
  logIn(body: Body<"log_in">): Promise<Answer<"log_in">> {
    return this.send("POST", "/sessions", body);
  }
  logOut(): Promise<void> {
    return this.send("DELETE", "/sessions/current");
  }
  logOutEverywhere(): Promise<void> {
    return this.send("DELETE", "/sessions");
  }
  me(): Promise<Answer<"get_me">> {
    return this.send("GET", "/me");
  }
  user(userId: string): Promise<Answer<"get_user">> {
    return this.send("GET", `/users/${segment(userId)}`);
  }
  findUser(username: string): Promise<Answer<"find_users">> {
    return this.send("GET", `/users?username=${segment(username)}`);
  }
  blocks(): Promise<Answer<"list_blocks">> {
    return this.send("GET", "/blocks");
  }
  block(userId: string): Promise<void> {
    return this.send("PUT", `/blocks/${segment(userId)}`);
  }
  unblock(userId: string): Promise<void> {
    return this.send("DELETE", `/blocks/${segment(userId)}`);
  }

  groups(page: { limit?: number; cursor?: string } = {}): Promise<Answer<"list_groups">> {
    return this.send("GET", `/groups${query(page)}`);
  }
  createGroup(body: Body<"create_group">): Promise<Answer<"create_group">> {
    return this.send("POST", "/groups", body);
  }
  group(groupId: string): Promise<Answer<"get_group">> {
    return this.send("GET", `/groups/${segment(groupId)}`);
  }
  renameGroup(groupId: string, body: Body<"rename_group">): Promise<Answer<"rename_group">> {
    return this.send("PATCH", `/groups/${segment(groupId)}`, body);
  }
  addMember(groupId: string, body: Body<"add_member">): Promise<Answer<"add_member">> {
    return this.send("POST", `/groups/${segment(groupId)}/members`, body);
  }
  removeMember(groupId: string, userId: string): Promise<void> {
    return this.send("DELETE", `/groups/${segment(groupId)}/members/${segment(userId)}`);
  }
  hideGroup(groupId: string): Promise<void> {
    return this.send("PUT", `/groups/${segment(groupId)}/hidden`);
  }

  history(
    groupId: string,
    page: { after?: number; before?: number; limit?: number } = {},
  ): Promise<Answer<"get_history">> {
    return this.send("GET", `/groups/${segment(groupId)}/messages${query(page)}`);
  }
  sendMessage(groupId: string, body: Body<"send_message">): Promise<Answer<"send_message">> {
    return this.send("POST", `/groups/${segment(groupId)}/messages`, body);
  }
  editMessage(
    groupId: string,
    seq: number,
    body: Body<"edit_message">,
  ): Promise<Answer<"edit_message">> {
    return this.send("PATCH", `/groups/${segment(groupId)}/messages/${seq}`, body);
  }
  deleteMessage(groupId: string, seq: number): Promise<void> {
    return this.send("DELETE", `/groups/${segment(groupId)}/messages/${seq}`);
  }
  react(groupId: string, seq: number, emoji: string): Promise<Answer<"add_reaction">> {
    return this.send(
      "PUT",
      `/groups/${segment(groupId)}/messages/${seq}/reactions/${segment(emoji)}`,
    );
  }
  unreact(groupId: string, seq: number, emoji: string): Promise<void> {
    return this.send(
      "DELETE",
      `/groups/${segment(groupId)}/messages/${seq}/reactions/${segment(emoji)}`,
    );
  }
  announceAttachment(
    groupId: string,
    body: Body<"create_attachment">,
  ): Promise<Answer<"create_attachment">> {
    return this.send("POST", `/groups/${segment(groupId)}/attachments`, body);
  }
  markRead(groupId: string, seq: number): Promise<Answer<"mark_read">> {
    return this.send("PUT", `/groups/${segment(groupId)}/read`, { seq });
  }
  poll(body: Body<"poll">, signal?: AbortSignal): Promise<Answer<"poll">> {
    return this.send("POST", "/poll", body, signal);
  }
  liveTicket(): Promise<Answer<"create_live_ticket">> {
    return this.send("POST", "/live/tickets");
  }

  timer(groupId: string): Promise<Answer<"get_timer">> {
    return this.send("GET", `/groups/${segment(groupId)}/timer`);
  }
  startTimer(groupId: string, body: Body<"start_timer">): Promise<Answer<"start_timer">> {
    return this.send("POST", `/groups/${segment(groupId)}/timer/start`, body);
  }
  driveTimer(
    groupId: string,
    step: "pause" | "resume" | "stop",
  ): Promise<Answer<"pause_timer">> {
    return this.send("POST", `/groups/${segment(groupId)}/timer/${step}`);
  }

  wallet(): Promise<Answer<"get_wallet">> {
    return this.send("GET", "/wallet");
  }
  ledger(page: { limit?: number; cursor?: string } = {}): Promise<Answer<"list_wallet_entries">> {
    return this.send("GET", `/wallet/entries${query(page)}`);
  }
  charges(page: { limit?: number; cursor?: string } = {}): Promise<Answer<"list_charges">> {
    return this.send("GET", `/charges${query(page)}`);
  }
  charge(body: Body<"create_charge">): Promise<Answer<"create_charge">> {
    return this.send("POST", "/charges", body);
  }
  authorizations(): Promise<Answer<"list_authorizations">> {
    return this.send("GET", "/wallet/authorizations");
  }
  authorize(body: Body<"grant_authorization">): Promise<Answer<"grant_authorization">> {
    return this.send("POST", "/wallet/authorizations", body);
  }
  revokeAuthorization(authorizationId: string): Promise<void> {
    return this.send("DELETE", `/wallet/authorizations/${segment(authorizationId)}`);
  }
  credit(userId: string, body: Body<"credit_wallet">): Promise<Answer<"credit_wallet">> {
    return this.send("POST", `/wallets/${segment(userId)}/credits`, body);
  }

  private async send<T>(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.fetcher(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, "network", "The server could not be reached.");
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // An answer that is not JSON (a proxy's error page, say) is reported below.
    }
    if (response.ok) return parsed as T;
    const detail = (parsed as Schemas["ErrorBody"] | undefined)?.error;
    const retryAfter = Number(response.headers.get("retry-after") ?? NaN);
    throw new ApiError(
      response.status,
      detail?.code ?? (response.status >= 500 ? "internal" : "invalid_request"),
      detail?.message ?? `The server answered ${response.status}.`,
      Number.isFinite(retryAfter) ? retryAfter : undefined,
    );
  }
}

function query(params: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(params).filter(([, value]) => value !== undefined);
  if (pairs.length === 0) return "";
  return "?" + pairs.map(([key, value]) => `${key}=${segment(String(value))}`).join("&");
}
