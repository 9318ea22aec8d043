import { describe, expect, it } from "vitest";
import type { Message } from "../../src/api/client";
import { Timeline, type PendingSend } from "../../src/sync/timeline";

function message(seq: number, change: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    group_id: "g",
    seq,
    sender_id: "ann",
    text: `text ${seq}`,
    client_msg_id: `c${seq}`,
    sent_at: "2026-11-30T10:00:00Z",
    edited_at: null,
    deleted: false,
    reply_to: null,
    reactions: [],
    attachments: [],
    ...change,
  };
}

function pending(clientMsgId: string): PendingSend {
  return {
    client_msg_id: clientMsgId,
    text: "hello",
    reply_to: null,
    attachments: [],
    state: "sending",
    attempts: 0,
    created_at: "2026-11-30T10:00:00Z",
  };
}

describe("Timeline", () => {
  it("holds each seq once however often it arrives", () => {
    const timeline = new Timeline();
    timeline.merge([message(1), message(2)]);
    expect(timeline.merge([message(2), message(1)])).toBe(false);
    timeline.merge([message(3)]);
    expect(timeline.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("sorts by seq whatever order history and events come in", () => {
    const timeline = new Timeline();
    timeline.merge([message(5)]);
    timeline.merge([message(3), message(4)]);
    expect(timeline.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(timeline.oldestSeq).toBe(3);
    expect(timeline.newestSeq).toBe(5);
  });

  it("reports a gap when a live message skips seqs after what is held", () => {
    const timeline = new Timeline();
    timeline.merge([message(1), message(2)]);
    expect(timeline.leavesGap(3)).toBe(false);
    expect(timeline.leavesGap(5)).toBe(true);
    timeline.merge([message(5)]);
    // The hole stays visible to catch-up: it asks for what comes after seq 2.
    expect(timeline.contiguousSeq).toBe(2);
    timeline.merge([message(3), message(4)]);
    expect(timeline.contiguousSeq).toBe(5);
  });

  it("sees no gap while nothing is held: the newest page loads when the chat opens", () => {
    expect(new Timeline().leavesGap(40)).toBe(false);
  });

  it("ends a pending send when its message arrives, by event or by answer", () => {
    const timeline = new Timeline();
    timeline.addPending(pending("c7"));
    timeline.addPending(pending("c7"));
    expect(timeline.pending).toHaveLength(1);
    timeline.merge([message(7, { client_msg_id: "c7" })]);
    expect(timeline.pending).toHaveLength(0);
    // The 201 arriving after the event changes nothing: still one message.
    timeline.merge([message(7, { client_msg_id: "c7" })]);
    expect(timeline.messages).toHaveLength(1);
  });

  it("keeps a pending send whose message has not come", () => {
    const timeline = new Timeline();
    timeline.addPending(pending("c1"));
    timeline.addPending(pending("c2"));
    timeline.merge([message(1, { client_msg_id: "c1" })]);
    expect(timeline.pending.map((p) => p.client_msg_id)).toEqual(["c2"]);
    timeline.updatePending("c2", { state: "failed", error: "refused" });
    expect(timeline.pending[0]).toMatchObject({ state: "failed", error: "refused" });
    timeline.dropPending("c2");
    expect(timeline.pending).toHaveLength(0);
  });

  it("never lets a late event undo a deletion or a newer edit", () => {
    const timeline = new Timeline();
    timeline.merge([message(1)]);
    timeline.merge([message(1, { text: "second", edited_at: "2026-11-30T10:02:00Z" })]);
    timeline.merge([message(1, { text: "first", edited_at: "2026-11-30T10:01:00Z" })]);
    expect(timeline.get(1)?.text).toBe("second");
    expect(timeline.markDeleted(1)).toBe(true);
    expect(timeline.markDeleted(1)).toBe(false);
    timeline.merge([message(1, { text: "second", edited_at: "2026-11-30T10:02:00Z" })]);
    expect(timeline.get(1)).toMatchObject({ deleted: true, text: "" });
  });

  it("replaces reactions with the event's list", () => {
    const timeline = new Timeline();
    timeline.merge([message(1)]);
    const reactions = [{ emoji: "👍", count: 2, user_ids: ["ann", "bob"] }];
    expect(timeline.setReactions(1, reactions)).toBe(true);
    expect(timeline.get(1)?.reactions).toEqual(reactions);
    expect(timeline.setReactions(9, reactions)).toBe(false);
  });
});
