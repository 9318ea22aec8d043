import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Message } from "../api/client";
import type { ChatStore } from "../state";
import type { PendingSend } from "../sync/timeline";
import { attempt, formatTime } from "./hooks";
import { TimerPanel } from "./TimerPanel";

const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "😢"];

export function Conversation({ store, groupId }: { store: ChatStore; groupId: string }) {
  const group = store.groups.get(groupId);
  const detail = store.details.get(groupId);
  const timeline = store.timeline(groupId);
  const messages = timeline.messages;
  const [replyTo, setReplyTo] = useState<number | null>(null);
  const [showMembers, setShowMembers] = useState(false);
  const list = useRef<HTMLUListElement>(null);
  const stickToBottom = useRef(true);
  const heightBeforeOlder = useRef<number | null>(null);
  const newest = timeline.newestSeq;

  // Keeps the newest message in view while the reader is at the bottom, and the reader's
  // place when older messages are added above.
  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    if (heightBeforeOlder.current !== null) {
      element.scrollTop += element.scrollHeight - heightBeforeOlder.current;
      heightBeforeOlder.current = null;
    } else if (stickToBottom.current) {
      element.scrollTop = element.scrollHeight;
    }
  });

  // An image that loads grows its message: keep the bottom in view if the reader was there.
  useEffect(() => {
    const element = list.current;
    if (!element) return;
    const keepBottom = () => {
      if (stickToBottom.current) element.scrollTop = element.scrollHeight;
    };
    element.addEventListener("load", keepBottom, true);
    return () => element.removeEventListener("load", keepBottom, true);
  }, []);

  // Read marks follow what is on screen: at the bottom of a visible page, all is read.
  useEffect(() => {
    const markIfRead = () => {
      if (stickToBottom.current && document.visibilityState === "visible") {
        void store.markRead(groupId);
      }
    };
    markIfRead();
    document.addEventListener("visibilitychange", markIfRead);
    return () => document.removeEventListener("visibilitychange", markIfRead);
  }, [store, groupId, newest]);

  const onScroll = async () => {
    const element = list.current;
    if (!element) return;
    stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    if (stickToBottom.current) void store.markRead(groupId);
    if (element.scrollTop < 60 && !timeline.reachedStart) {
      heightBeforeOlder.current = element.scrollHeight;
      if ((await store.loadOlder(groupId)) === 0) heightBeforeOlder.current = null;
    }
  };

  const typers = store.typers(groupId).filter((id) => id !== store.me?.id);
  const online = detail?.members.filter((m) => m.online && m.user_id !== store.me?.id) ?? [];
  const isOwner = group?.my_role === "owner" || store.me?.role === "admin";

  return (
    <section class="conversation" aria-label={store.groupTitle(groupId)}>
      <header class="conversation-head">
        <button type="button" class="back secondary" onClick={() => store.open(null)}>
          ← Conversations
        </button>
        <div>
          <h2>{store.groupTitle(groupId)}</h2>
          <p class="hint">
            {detail ? `${detail.members.length} members` : ""}
            {online.length > 0
              ? ` · online: ${online.map((m) => store.userName(m.user_id)).join(", ")}`
              : ""}
          </p>
        </div>
        <button
          type="button"
          class="secondary"
          aria-expanded={showMembers}
          onClick={() => {
            setShowMembers(!showMembers);
            void store.loadDetail(groupId);
          }}
        >
          Members
        </button>
      </header>
      {showMembers && detail && <Members store={store} groupId={groupId} canManage={isOwner} />}
      {group?.kind === "group" && <TimerPanel store={store} groupId={groupId} />}
      <ul class="messages" aria-label="Messages" ref={list} onScroll={onScroll}>
        {timeline.reachedStart ? (
          <li class="hint start">The beginning of the conversation.</li>
        ) : (
          messages.length > 0 && <li class="hint start">Scroll up for older messages…</li>
        )}
        {messages.map((message) => (
          <MessageItem
            key={message.seq}
            store={store}
            message={message}
            replied={message.reply_to ? timeline.get(message.reply_to) : undefined}
            onReply={() => setReplyTo(message.seq)}
          />
        ))}
        {timeline.pending.map((send) => (
          <PendingItem key={send.client_msg_id} store={store} groupId={groupId} send={send} />
        ))}
      </ul>
      <p class="typing" aria-live="polite">
        {typers.length > 0
          ? `${typers.map((id) => store.userName(id)).join(", ")} ${typers.length > 1 ? "are" : "is"} typing…`
          : " "}
      </p>
      <Composer
        store={store}
        groupId={groupId}
        replyTo={replyTo}
        clearReply={() => setReplyTo(null)}
      />
    </section>
  );
}

function Members({
  store,
  groupId,
  canManage,
}: {
  store: ChatStore;
  groupId: string;
  canManage: boolean;
}) {
  const detail = store.details.get(groupId)!;
  const [username, setUsername] = useState("");
  const [name, setName] = useState(detail.name ?? "");
  const isGroup = detail.kind === "group";
  return (
    <div class="members">
      <ul aria-label="Members">
        {detail.members.map((member) => (
          <li key={member.user_id}>
            <span class={`dot ${member.online ? "on" : ""}`} aria-hidden="true" />
            {store.userName(member.user_id)}
            {member.role === "owner" ? " (owner)" : ""}
            <span class="visually-hidden">{member.online ? " online" : " offline"}</span>
            {isGroup && canManage && member.user_id !== store.me?.id && (
              <button
                type="button"
                class="link"
                onClick={() => attempt(store, () => store.removeMember(groupId, member.user_id))}
              >
                Remove {store.userName(member.user_id)}
              </button>
            )}
          </li>
        ))}
      </ul>
      {isGroup && canManage && (
        <form
          class="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void attempt(store, () => store.rename(groupId, name));
          }}
        >
          <label>
            Group name
            <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="submit">Rename group</button>
        </form>
      )}
      {isGroup && canManage && (
        <form
          class="inline-form"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await attempt(store, () => store.addMember(groupId, username))) setUsername("");
          }}
        >
          <label>
            Username to add
            <input required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
          </label>
          <button type="submit">Add member</button>
        </form>
      )}
      <div class="row">
        {isGroup ? (
          <button
            type="button"
            class="danger"
            onClick={() => attempt(store, () => store.removeMember(groupId, store.me!.id))}
          >
            Leave group
          </button>
        ) : (
          <button type="button" class="secondary" onClick={() => attempt(store, () => store.hide(groupId))}>
            Hide chat
          </button>
        )}
        {!isGroup &&
          detail.members
            .filter((member) => member.user_id !== store.me?.id)
            .map((member) => (
              <button
                type="button"
                key={member.user_id}
                class="danger"
                onClick={() => attempt(store, () => store.block(member.user_id))}
              >
                Block {store.userName(member.user_id)}
              </button>
            ))}
      </div>
    </div>
  );
}

function MessageItem({
  store,
  message,
  replied,
  onReply,
}: {
  store: ChatStore;
  message: Message;
  replied?: Message;
  onReply: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.text);
  const [picking, setPicking] = useState(false);
  const mine = message.sender_id === store.me?.id;
  const group = store.groups.get(message.group_id);
  const mayDelete = mine || group?.my_role === "owner" || store.me?.role === "admin";
  const sender = store.userName(message.sender_id);
  return (
    <li class={`message ${mine ? "mine" : ""}`} aria-label={`${sender}: ${message.deleted ? "deleted" : message.text}`}>
      <div class="meta">
        <strong>{sender}</strong> <time dateTime={message.sent_at}>{formatTime(message.sent_at)}</time>
        {message.edited_at && !message.deleted && <span class="hint"> (edited)</span>}
      </div>
      {message.reply_to != null && (
        <blockquote class="reply-quote">
          {replied
            ? `${store.userName(replied.sender_id)}: ${replied.deleted ? "deleted message" : replied.text.slice(0, 120)}`
            : `Reply to message ${message.reply_to}`}
        </blockquote>
      )}
      {message.deleted ? (
        <p class="deleted">This message was deleted.</p>
      ) : editing ? (
        <form
          class="edit"
          onSubmit={async (event) => {
            event.preventDefault();
            if (await attempt(store, () => store.edit(message.group_id, message.seq, draft))) {
              setEditing(false);
            }
          }}
        >
          <label class="visually-hidden" for={`edit-${message.seq}`}>
            Edit message
          </label>
          <textarea
            id={`edit-${message.seq}`}
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
          <button type="submit">Save</button>
          <button type="button" class="secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        message.text && <p class="text">{message.text}</p>
      )}
      {!message.deleted &&
        (message.attachments ?? []).map((file) =>
          file.content_type.startsWith("image/") ? (
            <a key={file.id} href={file.url} target="_blank" rel="noreferrer">
              <img class="inline-image" src={file.url} alt={file.filename} loading="lazy" />
            </a>
          ) : (
            <a key={file.id} class="file" href={file.url} target="_blank" rel="noreferrer">
              📎 {file.filename} ({Math.ceil(file.size / 1024)} KB)
            </a>
          ),
        )}
      {(message.reactions ?? []).length > 0 && (
        <div class="reactions">
          {(message.reactions ?? []).map((reaction) => (
            <button
              type="button"
              key={reaction.emoji}
              class={`reaction ${reaction.user_ids.includes(store.me?.id ?? "") ? "mine" : ""}`}
              aria-label={`${reaction.emoji} ${reaction.count}`}
              onClick={() =>
                attempt(store, () => store.toggleReaction(message.group_id, message.seq, reaction.emoji))
              }
            >
              {reaction.emoji} {reaction.count}
            </button>
          ))}
        </div>
      )}
      {!message.deleted && (
        <div class="actions">
          <button type="button" class="link" onClick={onReply}>
            Reply
          </button>
          <button type="button" class="link" aria-expanded={picking} onClick={() => setPicking(!picking)}>
            React
          </button>
          {mine && (
            <button
              type="button"
              class="link"
              onClick={() => {
                setDraft(message.text);
                setEditing(true);
              }}
            >
              Edit
            </button>
          )}
          {mayDelete && (
            <button
              type="button"
              class="link"
              onClick={() => attempt(store, () => store.remove(message.group_id, message.seq))}
            >
              Delete
            </button>
          )}
          {picking &&
            QUICK_REACTIONS.map((emoji) => (
              <button
                type="button"
                key={emoji}
                class="link"
                aria-label={`React ${emoji}`}
                onClick={() => {
                  setPicking(false);
                  void attempt(store, () => store.toggleReaction(message.group_id, message.seq, emoji));
                }}
              >
                {emoji}
              </button>
            ))}
        </div>
      )}
    </li>
  );
}

function PendingItem({ store, groupId, send }: { store: ChatStore; groupId: string; send: PendingSend }) {
  const uploads = [...store.uploads.entries()].filter(([key]) => key.startsWith(`${groupId}/`));
  return (
    <li class={`message mine pending ${send.state}`} aria-label={`${send.state === "failed" ? "Not sent" : "Sending"}: ${send.text}`}>
      <div class="meta">
        <strong>{store.me ? store.userName(store.me.id) : ""}</strong>{" "}
        <span class="hint">{send.state === "failed" ? "Not sent" : "Sending…"}</span>
      </div>
      {send.text && <p class="text">{send.text}</p>}
      {uploads.map(([key, upload]) => (
        <label key={key} class="progress">
          {upload.filename}
          <progress max={upload.total} value={upload.loaded} />
        </label>
      ))}
      {send.error && <p class="hint">{send.error}</p>}
      {send.state === "failed" && (
        <div class="actions">
          <button type="button" class="link" onClick={() => store.retry(groupId, send.client_msg_id)}>
            Retry
          </button>
          <button type="button" class="link" onClick={() => store.discard(groupId, send.client_msg_id)}>
            Discard
          </button>
        </div>
      )}
    </li>
  );
}

function Composer({
  store,
  groupId,
  replyTo,
  clearReply,
}: {
  store: ChatStore;
  groupId: string;
  replyTo: number | null;
  clearReply: () => void;
}) {
  const [text, setText] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const replied = replyTo ? store.timeline(groupId).get(replyTo) : undefined;
  const submit = () => {
    if (!text.trim() && files.length === 0) return;
    void store.send(groupId, text, replyTo, files);
    setText("");
    setFiles([]);
    clearReply();
    if (fileInput.current) fileInput.current.value = "";
  };
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {replyTo && (
        <p class="replying">
          Replying to {replied ? store.userName(replied.sender_id) : `message ${replyTo}`}
          <button type="button" class="link" onClick={clearReply}>
            Cancel reply
          </button>
        </p>
      )}
      {files.length > 0 && <p class="hint">Attached: {files.map((file) => file.name).join(", ")}</p>}
      <div class="row">
        <label class="attach">
          <span aria-hidden="true">📎</span>
          <span class="visually-hidden">Attach file</span>
          <input
            ref={fileInput}
            type="file"
            multiple
            class="visually-hidden"
            onChange={(event) => setFiles([...(event.currentTarget.files ?? [])])}
          />
        </label>
        <textarea
          aria-label="Message"
          rows={1}
          maxLength={16384}
          value={text}
          placeholder="Write a message"
          onInput={(event) => {
            setText(event.currentTarget.value);
            store.typed(groupId);
          }}
          onKeyDown={(event) => {
            // Enter sends; Shift+Enter starts a new line.
            if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              submit();
            }
          }}
        />
        <button type="submit">Send</button>
      </div>
    </form>
  );
}
