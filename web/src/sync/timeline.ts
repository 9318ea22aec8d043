// One conversation as this device holds it: the messages it has, by seq, and the sends of its
// own that the server has not confirmed yet. Pure data, no I/O: the rules of the client
// algorithm (docs/API.md) that can be unit-tested live here.

import type { Message, Schemas } from "../api/client";

export interface PendingSend {
  client_msg_id: string;
  text: string;
  reply_to: number | null;
  attachments: Schemas["Attachment"][];
  /** `sending` while a request is out or will be retried; `failed` once the server refused it. */
  state: "sending" | "failed";
  error?: string;
  attempts: number;
  created_at: string;
}

export class Timeline {
  private readonly bySeq = new Map<number, Message>();
  private pendingSends: PendingSend[] = [];
  /** Whether the oldest message (seq 1) is held or known not to exist. */
  reachedStart = false;

  get messages(): Message[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  get pending(): readonly PendingSend[] {
    return this.pendingSends;
  }

  get oldestSeq(): number | null {
    let oldest: number | null = null;
    for (const seq of this.bySeq.keys()) if (oldest === null || seq < oldest) oldest = seq;
    return oldest;
  }

  get newestSeq(): number {
    let newest = 0;
    for (const seq of this.bySeq.keys()) newest = Math.max(newest, seq);
    return newest;
  }

  /**
   * The highest seq up to which nothing is missing, counting up from the oldest one held: the
   * `after` of the next catch-up. 0 when nothing is held.
   */
  get contiguousSeq(): number {
    const oldest = this.oldestSeq;
    if (oldest === null) return 0;
    let seq = oldest;
    while (this.bySeq.has(seq + 1)) seq += 1;
    return seq;
  }

  has(seq: number): boolean {
    return this.bySeq.has(seq);
  }

  get(seq: number): Message | undefined {
    return this.bySeq.get(seq);
  }

  /**
   * Takes messages from history, an event or a send's answer. A message already held is
   * replaced only by a newer state of it (an edit, a deletion, new reactions), never
   * duplicated. A confirmed message ends the pending send with its `client_msg_id`.
   * Answers whether anything changed.
   */
  merge(messages: Message[]): boolean {
    let changed = false;
    for (const message of messages) {
      const held = this.bySeq.get(message.seq);
      if (!held || !sameState(held, message)) {
        this.bySeq.set(message.seq, held ? newerOf(held, message) : message);
        changed = true;
      }
      const before = this.pendingSends.length;
      this.pendingSends = this.pendingSends.filter(
        (send) => send.client_msg_id !== message.client_msg_id,
      );
      changed ||= before !== this.pendingSends.length;
    }
    return changed;
  }

  /** Applies a `message_deleted` event: the seq stays, as a tombstone. */
  markDeleted(seq: number): boolean {
    const held = this.bySeq.get(seq);
    if (!held || held.deleted) return false;
    this.bySeq.set(seq, { ...held, deleted: true, text: "", reactions: [], attachments: [] });
    return true;
  }

  /** Applies a `reaction_changed` event. */
  setReactions(seq: number, reactions: Schemas["Reaction"][]): boolean {
    const held = this.bySeq.get(seq);
    if (!held) return false;
    this.bySeq.set(seq, { ...held, reactions });
    return true;
  }

  /**
   * Whether a message with this seq, arriving live, leaves a hole after what is held: then
   * the client fetches history after `contiguousSeq` (step 4 of the client algorithm). With
   * nothing held there is no gap to fill: the conversation loads its newest page when shown.
   */
  leavesGap(seq: number): boolean {
    const oldest = this.oldestSeq;
    if (oldest === null) return false;
    return seq > this.contiguousSeq + 1;
  }

  addPending(send: PendingSend): void {
    if (this.pendingSends.some((held) => held.client_msg_id === send.client_msg_id)) return;
    this.pendingSends = [...this.pendingSends, send];
  }

  updatePending(clientMsgId: string, change: Partial<PendingSend>): void {
    this.pendingSends = this.pendingSends.map((send) =>
      send.client_msg_id === clientMsgId ? { ...send, ...change } : send,
    );
  }

  dropPending(clientMsgId: string): void {
    this.pendingSends = this.pendingSends.filter((send) => send.client_msg_id !== clientMsgId);
  }
}

function sameState(a: Message, b: Message): boolean {
  return (
    a.text === b.text &&
    a.deleted === b.deleted &&
    a.edited_at === b.edited_at &&
    JSON.stringify(a.reactions ?? []) === JSON.stringify(b.reactions ?? []) &&
    JSON.stringify((a.attachments ?? []).map((x) => x.url)) ===
      JSON.stringify((b.attachments ?? []).map((x) => x.url))
  );
}

/**
 * Of two states of one message, the one to keep: a deletion is final, and a later edit wins
 * over an earlier one, so an event that arrives late never undoes what is newer.
 */
function newerOf(held: Message, incoming: Message): Message {
  if (held.deleted && !incoming.deleted) return held;
  if (!incoming.deleted && time(held.edited_at) > time(incoming.edited_at)) {
    return { ...incoming, text: held.text, edited_at: held.edited_at };
  }
  return incoming;
}

function time(at: string | null | undefined): number {
  return at ? Date.parse(at) : 0;
}
