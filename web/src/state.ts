// The app's state and everything that changes it: the signed-in user, their conversations,
// the messages held of each, the live feed, the timer and the wallet. The views read it and
// call its methods; it tells them to redraw through `subscribe`.

import {
  ApiError,
  ChatApi,
  type Attachment,
  type Balance,
  type Charge,
  type ChatEvent,
  type GroupDetail,
  type GroupSummary,
  type LedgerEntry,
  type Message,
  type Session,
  type SpendingAuthorization,
  type Timer,
  type User,
} from "./api/client";
import { Connection, type ConnectionState } from "./sync/connection";
import { deliver } from "./sync/outbox";
import { Timeline, type PendingSend } from "./sync/timeline";
import { followOrLead, type TabFeed } from "./sync/tabs";

const TOKEN_KEY = "chat.token";
const HISTORY_PAGE = 50;
const TYPING_SHOWN_MS = 4000;

export interface Upload {
  filename: string;
  loaded: number;
  total: number;
}

export interface WalletView {
  balances: Balance[];
  entries: LedgerEntry[];
  charges: Charge[];
  authorizations: SpendingAuthorization[];
}

export class ChatStore {
  readonly api: ChatApi;
  me: User | null = null;
  session: Session | null = null;
  groups = new Map<string, GroupSummary>();
  groupOrder: string[] = [];
  details = new Map<string, GroupDetail>();
  users = new Map<string, User>();
  timelines = new Map<string, Timeline>();
  typing = new Map<string, Map<string, number>>();
  timers = new Map<string, { timer: Timer; receivedAt: number }>();
  uploads = new Map<string, Upload>();
  wallet: WalletView | null = null;
  connection: ConnectionState = { kind: "connecting", attempt: 1 };
  openGroupId: string | null = null;
  notice: string | null = null;
  private feed: TabFeed | null = null;
  private listeners = new Set<() => void>();
  private readonly loadingOlder = new Set<string>();

  constructor(apiBaseUrl: string) {
    this.api = new ChatApi(apiBaseUrl, localStorage.getItem(TOKEN_KEY));
    // A log-in in another tab of this browser logs this one in too.
    addEventListener("storage", (change) => {
      if (change.key === TOKEN_KEY && change.newValue && !this.me) {
        this.api.token = change.newValue;
        void this.resume();
      }
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.listeners.forEach((listener) => listener());
  }

  /** Reports a failure to the person, in the contract's words. */
  report(error: unknown): void {
    this.notice = error instanceof Error ? error.message : String(error);
    if (error instanceof ApiError && error.status === 401) this.endSession();
    this.changed();
  }

  dismissNotice(): void {
    this.notice = null;
    this.changed();
  }

  // ---- Session -----------------------------------------------------------------------------

  /**
   * Resumes the session kept from an earlier visit, if it is still good; while the server
   * cannot be reached, keeps trying. Also follows a log-in made in another tab.
   */
  async resume(): Promise<void> {
    for (let tries = 0; this.api.token && !this.me; tries++) {
      try {
        const { user, session } = await this.api.me();
        await this.begin(user, session);
        this.notice = null;
        return;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return this.endSession();
        if (!(error instanceof ApiError && error.retryable)) return this.report(error);
        this.notice = "The server cannot be reached; trying again…";
        this.changed();
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** tries, 30_000)));
      }
    }
  }

  async logIn(username: string, password: string): Promise<void> {
    const answer = await this.api.logIn({ username, password, device: deviceName() });
    localStorage.setItem(TOKEN_KEY, answer.token);
    this.api.token = answer.token;
    await this.begin(answer.user, answer.session);
  }

  async signUp(username: string, password: string, displayName?: string): Promise<void> {
    await this.api.signUp({ username, password, display_name: displayName || undefined });
    await this.logIn(username, password);
  }

  async logOut(everywhere = false): Promise<void> {
    try {
      if (everywhere) await this.api.logOutEverywhere();
      else await this.api.logOut();
    } catch (error) {
      // A session already gone is logged out all the same.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    this.endSession();
  }

  private async begin(user: User, session: Session): Promise<void> {
    this.me = user;
    this.session = session;
    this.users.set(user.id, user);
    this.changed();
    // Step 6: right after logging in, read the groups and fetch what is missing (again on
    // every connect, so a failure here is only reported).
    await this.refreshGroups().catch((error) => this.report(error));
    this.feed = followOrLead(
      `chat-${session.id}`,
      (feedHooks) => {
        const engine = new Connection(this.api, feedHooks);
        engine.start();
        return {
          stop: () => engine.stop(),
          sendTyping: (groupId) => engine.sendTyping(groupId),
        };
      },
      {
        onEvent: (event) => this.apply(event),
        onTyping: (groupId, userId) => this.showTyping(groupId, userId),
        onState: (state) => {
          this.connection = state;
          this.changed();
        },
        onCaughtUp: () => void this.catchUp(),
        onSessionEnded: () => this.endSession(),
      },
    );
    this.resendKeptSends();
  }

  private endSession(): void {
    this.feed?.stop();
    this.feed = null;
    localStorage.removeItem(TOKEN_KEY);
    this.api.token = null;
    this.me = null;
    this.session = null;
    this.groups.clear();
    this.groupOrder = [];
    this.details.clear();
    this.timelines.clear();
    this.timers.clear();
    this.wallet = null;
    this.openGroupId = null;
    this.changed();
  }

  // ---- Conversations -----------------------------------------------------------------------

  async refreshGroups(): Promise<void> {
    const groups: GroupSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.api.groups({ limit: 200, cursor });
      groups.push(...page.groups);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    this.groups = new Map(groups.map((group) => [group.id, group]));
    this.groupOrder = groups.map((group) => group.id);
    this.changed();
    groups
      .filter((group) => group.kind === "direct" && !this.details.has(group.id))
      .forEach((group) => void this.loadDetail(group.id));
  }

  /** Step 4 after every reconnect: whatever a held conversation lacks comes from history. */
  private async catchUp(): Promise<void> {
    try {
      await this.refreshGroups();
      for (const [groupId, timeline] of this.timelines) {
        const group = this.groups.get(groupId);
        if (group && group.last_seq > timeline.contiguousSeq) await this.fillAfter(groupId);
      }
      // Edits and reactions made while away change no seq: re-read what is on screen.
      if (this.openGroupId) await this.loadNewest(this.openGroupId);
    } catch (error) {
      this.report(error);
    }
  }

  async loadDetail(groupId: string): Promise<GroupDetail | undefined> {
    try {
      const { group } = await this.api.group(groupId);
      this.details.set(groupId, group);
      await Promise.all(group.members.map((member) => this.loadUser(member.user_id)));
      this.changed();
      return group;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) this.forgetGroup(groupId);
      else this.report(error);
      return undefined;
    }
  }

  async loadUser(userId: string): Promise<User | undefined> {
    const held = this.users.get(userId);
    if (held) return held;
    try {
      const { user } = await this.api.user(userId);
      this.users.set(userId, user);
      this.changed();
      return user;
    } catch {
      return undefined;
    }
  }

  userName(userId: string): string {
    const user = this.users.get(userId);
    if (!user) {
      void this.loadUser(userId);
      return "…";
    }
    return user.display_name || user.username;
  }

  groupTitle(groupId: string): string {
    const group = this.groups.get(groupId) ?? this.details.get(groupId);
    if (!group) return "Conversation";
    if (group.kind === "group") return group.name ?? "Group";
    const other = this.details
      .get(groupId)
      ?.members.find((member) => member.user_id !== this.me?.id);
    return other ? this.userName(other.user_id) : "Direct chat";
  }

  timeline(groupId: string): Timeline {
    let timeline = this.timelines.get(groupId);
    if (!timeline) {
      timeline = new Timeline();
      this.timelines.set(groupId, timeline);
    }
    return timeline;
  }

  async open(groupId: string | null): Promise<void> {
    this.openGroupId = groupId;
    this.changed();
    if (!groupId) return;
    // Direct chats have no timer panel: their timer is not fetched.
    const direct = this.groups.get(groupId)?.kind === "direct";
    await Promise.all([
      this.loadNewest(groupId),
      this.loadDetail(groupId),
      direct ? undefined : this.loadTimer(groupId),
    ]);
  }

  private async loadNewest(groupId: string): Promise<void> {
    try {
      const page = await this.api.history(groupId, { limit: HISTORY_PAGE });
      const timeline = this.timeline(groupId);
      const hadNothing = timeline.oldestSeq === null;
      timeline.merge(page.messages);
      if (!page.has_more && hadNothing) timeline.reachedStart = true;
      if (timeline.contiguousSeq < timeline.newestSeq) await this.fillAfter(groupId);
      this.changed();
    } catch (error) {
      this.report(error);
    }
  }

  /** Fetches history after the last seq held without a gap, page by page. */
  private async fillAfter(groupId: string): Promise<void> {
    const timeline = this.timeline(groupId);
    for (let pages = 0; pages < 50; pages++) {
      const page = await this.api.history(groupId, {
        after: timeline.contiguousSeq,
        limit: 100,
      });
      timeline.merge(page.messages);
      this.changed();
      if (!page.has_more || page.messages.length === 0) return;
    }
  }

  /** Scrolling up: the page before the oldest message held. Answers how many came. */
  async loadOlder(groupId: string): Promise<number> {
    const timeline = this.timeline(groupId);
    const oldest = timeline.oldestSeq;
    if (oldest === null || timeline.reachedStart || this.loadingOlder.has(groupId)) return 0;
    this.loadingOlder.add(groupId);
    try {
      const page = await this.api.history(groupId, { before: oldest, limit: HISTORY_PAGE });
      timeline.merge(page.messages);
      if (!page.has_more) timeline.reachedStart = true;
      this.changed();
      return page.messages.length;
    } catch (error) {
      this.report(error);
      return 0;
    } finally {
      this.loadingOlder.delete(groupId);
    }
  }

  /** Moves this user's read mark to the newest message held (it never moves back). */
  async markRead(groupId: string): Promise<void> {
    const group = this.groups.get(groupId);
    const newest = this.timeline(groupId).newestSeq;
    if (!group || newest <= group.read_seq) return;
    this.groups.set(groupId, withMarks(group, group.last_seq, newest));
    this.changed();
    try {
      const { read_seq } = await this.api.markRead(groupId, newest);
      const now = this.groups.get(groupId);
      if (now) this.groups.set(groupId, withMarks(now, now.last_seq, read_seq));
      this.changed();
    } catch (error) {
      this.report(error);
    }
  }

  async startDirect(username: string): Promise<void> {
    const other = await this.findUser(username);
    const { group } = await this.api.createGroup({ kind: "direct", member_ids: [other.id] });
    this.users.set(other.id, other);
    await this.refreshGroups();
    await this.open(group.id);
  }

  async createGroup(name: string, usernames: string[]): Promise<void> {
    const members = await Promise.all(usernames.map((username) => this.findUser(username)));
    const { group } = await this.api.createGroup({
      kind: "group",
      name,
      member_ids: members.map((member) => member.id),
      idempotency_key: crypto.randomUUID(),
    });
    await this.refreshGroups();
    await this.open(group.id);
  }

  async addMember(groupId: string, username: string): Promise<void> {
    const user = await this.findUser(username);
    await this.api.addMember(groupId, { user_id: user.id });
    await this.loadDetail(groupId);
  }

  async rename(groupId: string, name: string): Promise<void> {
    const { group } = await this.api.renameGroup(groupId, { name });
    const summary = this.groups.get(groupId);
    if (summary) this.groups.set(groupId, { ...summary, name: group.name });
    await this.loadDetail(groupId);
  }

  /** Takes a chat out of the list until a newer message arrives in it. */
  async hide(groupId: string): Promise<void> {
    await this.api.hideGroup(groupId);
    this.forgetGroup(groupId);
  }

  async block(userId: string): Promise<void> {
    await this.api.block(userId);
    this.notice = `${this.userName(userId)} is blocked: they cannot write to you any more.`;
    this.changed();
  }

  async removeMember(groupId: string, userId: string): Promise<void> {
    await this.api.removeMember(groupId, userId);
    if (userId === this.me?.id) this.forgetGroup(groupId);
    else await this.loadDetail(groupId);
  }

  async findUser(username: string): Promise<User> {
    const { users } = await this.api.findUser(username.trim());
    const user = users[0];
    if (!user) throw new Error(`No user is called “${username.trim()}”.`);
    this.users.set(user.id, user);
    return user;
  }

  private forgetGroup(groupId: string): void {
    this.groups.delete(groupId);
    this.groupOrder = this.groupOrder.filter((id) => id !== groupId);
    this.details.delete(groupId);
    this.timelines.delete(groupId);
    if (this.openGroupId === groupId) this.openGroupId = null;
    this.changed();
  }

  // ---- Sending -----------------------------------------------------------------------------

  /** Shows the message at once as pending, uploads its files, then sends until it is in. */
  async send(groupId: string, text: string, replyTo: number | null, files: File[]) {
    const pending: PendingSend = {
      client_msg_id: crypto.randomUUID(),
      text,
      reply_to: replyTo,
      attachments: [],
      state: "sending",
      attempts: 0,
      created_at: new Date().toISOString(),
    };
    const timeline = this.timeline(groupId);
    timeline.addPending(pending);
    // The next keystroke starts a new message: the others hear of it at once.
    this.typingSent.delete(groupId);
    this.changed();
    try {
      for (const file of files) pending.attachments.push(await this.upload(groupId, file));
      timeline.updatePending(pending.client_msg_id, { attachments: pending.attachments });
      this.keepSend(groupId, pending);
    } catch (error) {
      timeline.updatePending(pending.client_msg_id, {
        state: "failed",
        error: error instanceof Error ? error.message : String(error),
      });
      this.changed();
      return;
    }
    await this.transmit(groupId, pending);
  }

  /** Sends a kept or failed message again, with its first client_msg_id. */
  async retry(groupId: string, clientMsgId: string): Promise<void> {
    const pending = this.timeline(groupId).pending.find(
      (send) => send.client_msg_id === clientMsgId,
    );
    if (pending) await this.transmit(groupId, pending);
  }

  discard(groupId: string, clientMsgId: string): void {
    this.timeline(groupId).dropPending(clientMsgId);
    this.forgetKeptSend(clientMsgId);
    this.changed();
  }

  private async transmit(groupId: string, pending: PendingSend): Promise<void> {
    const timeline = this.timeline(groupId);
    timeline.updatePending(pending.client_msg_id, { state: "sending", error: undefined });
    this.changed();
    try {
      const { message } = await deliver(
        () =>
          this.api.sendMessage(groupId, {
            text: pending.text,
            client_msg_id: pending.client_msg_id,
            reply_to: pending.reply_to ?? undefined,
            attachments: pending.attachments.map((attachment) => attachment.id),
          }),
        (failure, retry) => {
          timeline.updatePending(pending.client_msg_id, {
            attempts: retry,
            error: `${failure.message} Retrying…`,
          });
          this.changed();
        },
      );
      this.forgetKeptSend(pending.client_msg_id);
      this.acceptMessage(message, true);
    } catch (error) {
      const refused = error instanceof ApiError && !error.retryable;
      if (refused) this.forgetKeptSend(pending.client_msg_id);
      timeline.updatePending(pending.client_msg_id, {
        state: "failed",
        error: error instanceof Error ? error.message : String(error),
      });
      this.changed();
      if (error instanceof ApiError && error.status === 401) this.endSession();
    }
  }

  /** PUTs a file to the signed URL the API hands out, reporting progress as it goes. */
  private async upload(groupId: string, file: File): Promise<Attachment> {
    const { attachment, upload } = await this.api.announceAttachment(groupId, {
      filename: file.name,
      content_type: file.type || "application/octet-stream",
      size: file.size,
    });
    const key = `${groupId}/${attachment.id}`;
    this.uploads.set(key, { filename: file.name, loaded: 0, total: file.size });
    this.changed();
    try {
      await new Promise<void>((resolve, reject) => {
        const request = new XMLHttpRequest();
        request.open(upload.method, upload.url);
        for (const [name, value] of Object.entries(upload.headers)) {
          // The browser sets the length itself from the body.
          if (name.toLowerCase() !== "content-length") request.setRequestHeader(name, value);
        }
        request.upload.onprogress = (progress) => {
          this.uploads.set(key, { filename: file.name, loaded: progress.loaded, total: file.size });
          this.changed();
        };
        request.onload = () =>
          request.status < 300
            ? resolve()
            : reject(new Error(`The upload of ${file.name} failed (${request.status}).`));
        request.onerror = () => reject(new Error(`The upload of ${file.name} failed.`));
        request.send(file);
      });
    } finally {
      this.uploads.delete(key);
      this.changed();
    }
    return attachment;
  }

  // Sends not confirmed yet outlive a reload: they are kept until the server has them.
  private keptSendsKey(): string {
    return `chat.pending.${this.me?.id}`;
  }

  private keptSends(): { group_id: string; send: PendingSend }[] {
    try {
      return JSON.parse(localStorage.getItem(this.keptSendsKey()) ?? "[]");
    } catch {
      return [];
    }
  }

  private keepSend(groupId: string, send: PendingSend): void {
    const kept = this.keptSends().filter((k) => k.send.client_msg_id !== send.client_msg_id);
    kept.push({ group_id: groupId, send });
    localStorage.setItem(this.keptSendsKey(), JSON.stringify(kept));
  }

  private forgetKeptSend(clientMsgId: string): void {
    const kept = this.keptSends().filter((k) => k.send.client_msg_id !== clientMsgId);
    localStorage.setItem(this.keptSendsKey(), JSON.stringify(kept));
  }

  private resendKeptSends(): void {
    for (const { group_id, send } of this.keptSends()) {
      this.timeline(group_id).addPending({ ...send, state: "sending" });
      void this.transmit(group_id, send);
    }
  }

  async edit(groupId: string, seq: number, text: string): Promise<void> {
    const { message } = await this.api.editMessage(groupId, seq, { text });
    this.acceptMessage(message, false);
  }

  async remove(groupId: string, seq: number): Promise<void> {
    await this.api.deleteMessage(groupId, seq);
    this.timeline(groupId).markDeleted(seq);
    this.changed();
  }

  async toggleReaction(groupId: string, seq: number, emoji: string): Promise<void> {
    const message = this.timeline(groupId).get(seq);
    const mine = message?.reactions?.find(
      (reaction) => reaction.emoji === emoji && reaction.user_ids.includes(this.me?.id ?? ""),
    );
    if (mine) {
      await this.api.unreact(groupId, seq, emoji);
      const reactions = (message?.reactions ?? [])
        .map((reaction) =>
          reaction.emoji === emoji
            ? {
                ...reaction,
                count: reaction.count - 1,
                user_ids: reaction.user_ids.filter((id) => id !== this.me?.id),
              }
            : reaction,
        )
        .filter((reaction) => reaction.count > 0);
      this.timeline(groupId).setReactions(seq, reactions);
      this.changed();
    } else {
      const { message: now } = await this.api.react(groupId, seq, emoji);
      this.acceptMessage(now, false);
    }
  }

  typingSent = new Map<string, number>();

  /** Tells the others at most every 3 s while this user types. */
  typed(groupId: string): void {
    const last = this.typingSent.get(groupId) ?? 0;
    if (Date.now() - last < 3000) return;
    this.typingSent.set(groupId, Date.now());
    this.feed?.sendTyping(groupId);
  }

  // ---- Events ------------------------------------------------------------------------------

  private apply(event: ChatEvent): void {
    switch (event.type) {
      case "message":
        this.acceptMessage(event.message, true);
        break;
      case "message_edited":
        this.acceptMessage(event.message, false);
        break;
      case "message_deleted":
        if (event.group_id) this.timeline(event.group_id).markDeleted(event.seq);
        break;
      case "reaction_changed":
        if (event.group_id) this.timeline(event.group_id).setReactions(event.seq, event.reactions);
        break;
      case "group_created":
      case "group_updated":
        // Step 7: a new conversation's history is fetched when it is opened.
        void this.refreshGroups();
        if (event.group_id) void this.loadDetail(event.group_id);
        break;
      case "member_added":
      case "member_removed":
        if (event.user_id === this.me?.id && event.type === "member_removed") {
          if (event.group_id) this.forgetGroup(event.group_id);
        } else {
          void this.refreshGroups();
          if (event.group_id && (this.details.has(event.group_id) || event.user_id === this.me?.id)) {
            void this.loadDetail(event.group_id);
          }
        }
        break;
      case "timer":
        this.timers.set(event.timer.group_id, { timer: event.timer, receivedAt: Date.now() });
        break;
      case "charge":
        if (this.wallet) void this.loadWallet();
        break;
    }
    this.changed();
  }

  /** A message from an event or an answer: into its timeline, and its group to the top. */
  private acceptMessage(message: Message, isNew: boolean): void {
    const timeline = this.timeline(message.group_id);
    const gap = isNew && timeline.leavesGap(message.seq);
    timeline.merge([message]);
    const group = this.groups.get(message.group_id);
    if (!group) {
      void this.refreshGroups();
    } else if (isNew) {
      const mine = message.sender_id === this.me?.id;
      const lastSeq = Math.max(group.last_seq, message.seq);
      const readSeq = mine ? Math.max(group.read_seq, message.seq) : group.read_seq;
      this.groups.set(group.id, withMarks(group, lastSeq, readSeq));
      this.groupOrder = [group.id, ...this.groupOrder.filter((id) => id !== group.id)];
      this.typing.get(group.id)?.delete(message.sender_id);
    }
    if (gap) void this.fillAfter(message.group_id).catch((error) => this.report(error));
    this.changed();
  }

  private showTyping(groupId: string, userId: string): void {
    let typers = this.typing.get(groupId);
    if (!typers) {
      typers = new Map();
      this.typing.set(groupId, typers);
    }
    typers.set(userId, Date.now() + TYPING_SHOWN_MS);
    this.changed();
    setTimeout(() => this.changed(), TYPING_SHOWN_MS + 50);
  }

  typers(groupId: string): string[] {
    const now = Date.now();
    return [...(this.typing.get(groupId) ?? new Map<string, number>())]
      .filter(([, until]) => until > now)
      .map(([userId]) => userId);
  }

  // ---- Timer and money ---------------------------------------------------------------------

  async loadTimer(groupId: string): Promise<void> {
    try {
      const { timer } = await this.api.timer(groupId);
      this.timers.set(groupId, { timer, receivedAt: Date.now() });
      this.changed();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) this.report(error);
    }
  }

  canDriveTimer(groupId: string): boolean {
    const role = this.me?.role;
    return role === "admin" || role === "provider" || this.groups.get(groupId)?.my_role === "owner";
  }

  async driveTimer(
    groupId: string,
    step: "start" | "pause" | "resume" | "stop",
    rate?: { amount_per_minute: number; currency: string },
  ): Promise<void> {
    const { timer } =
      step === "start"
        ? await this.api.startTimer(groupId, rate ? { rate } : {})
        : await this.api.driveTimer(groupId, step);
    this.timers.set(groupId, { timer, receivedAt: Date.now() });
    this.changed();
  }

  /**
   * Money moves once per intent: the caller keeps `idempotencyKey` for as long as the person
   * retries the same charge (an answer lost on the way is then answered again, not charged
   * twice) and takes a new one for the next.
   */
  async chargeTimer(groupId: string, payerId: string, idempotencyKey: string): Promise<Charge> {
    const { charge } = await this.api.charge({
      payer_id: payerId,
      group_id: groupId,
      from_timer: true,
      description: "Timed session",
      idempotency_key: idempotencyKey,
    });
    if (this.wallet) await this.loadWallet();
    return charge;
  }

  async chargeAmount(
    groupId: string,
    payerId: string,
    amount: number,
    currency: string,
    idempotencyKey: string,
  ): Promise<Charge> {
    const { charge } = await this.api.charge({
      payer_id: payerId,
      group_id: groupId,
      amount,
      currency,
      idempotency_key: idempotencyKey,
    });
    if (this.wallet) await this.loadWallet();
    return charge;
  }

  async loadWallet(): Promise<void> {
    try {
      const [wallet, entries, charges, authorizations] = await Promise.all([
        this.api.wallet(),
        this.api.ledger({ limit: 200 }),
        this.api.charges({ limit: 50 }),
        this.api.authorizations(),
      ]);
      this.wallet = {
        balances: wallet.balances,
        entries: entries.entries,
        charges: charges.charges,
        authorizations: authorizations.authorizations,
      };
      this.changed();
    } catch (error) {
      this.report(error);
    }
  }

  async authorize(providerUsername: string, maxAmount: number, currency: string): Promise<void> {
    const provider = await this.findUser(providerUsername);
    await this.api.authorize({ provider_id: provider.id, max_amount: maxAmount, currency });
    await this.loadWallet();
  }

  async revoke(authorizationId: string): Promise<void> {
    await this.api.revokeAuthorization(authorizationId);
    await this.loadWallet();
  }

  async credit(
    username: string,
    amount: number,
    currency: string,
    idempotencyKey: string,
  ): Promise<void> {
    const user = await this.findUser(username);
    await this.api.credit(user.id, { amount, currency, idempotency_key: idempotencyKey });
    await this.loadWallet();
  }
}

/** A summary with new marks, and `unread` as the contract defines it: `last_seq - read_seq`. */
function withMarks(group: GroupSummary, lastSeq: number, readSeq: number): GroupSummary {
  return { ...group, last_seq: lastSeq, read_seq: readSeq, unread: Math.max(0, lastSeq - readSeq) };
}

function deviceName(): string {
  const agent = navigator.userAgent;
  const browser = /Firefox\//.test(agent)
    ? "Firefox"
    : /Edg\//.test(agent)
      ? "Edge"
      : /Chrom(e|ium)\//.test(agent)
        ? "Chrome"
        : /Safari\//.test(agent)
          ? "Safari"
          : "Browser";
  return `${browser} (web)`;
}
