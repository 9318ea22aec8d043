import { useEffect, useState } from "preact/hooks";
import type { User } from "../api/client";
import type { ChatStore } from "../state";
import { Conversation } from "./Conversation";
import { attempt, useStore } from "./hooks";
import { WalletPanel } from "./WalletPanel";

export function App({ store }: { store: ChatStore }) {
  useStore(store);
  // The tab's title shows how much is unread, as people expect of a chat.
  const unread = [...store.groups.values()].reduce((sum, group) => sum + group.unread, 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Chat` : "Chat";
  }, [unread]);
  return (
    <>
      {store.notice && (
        <div class="notice" role="alert">
          <span>{store.notice}</span>
          <button type="button" aria-label="Dismiss" onClick={() => store.dismissNotice()}>
            ×
          </button>
        </div>
      )}
      {store.me ? <Shell store={store} /> : <AuthScreen store={store} />}
    </>
  );
}

function AuthScreen({ store }: { store: ChatStore }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [busy, setBusy] = useState(false);
  const run = async (signUp: boolean) => {
    setBusy(true);
    await attempt(store, () =>
      signUp ? store.signUp(username, password, displayName) : store.logIn(username, password),
    );
    setBusy(false);
  };
  return (
    <main class="auth">
      <form
        class="card"
        onSubmit={(event) => {
          event.preventDefault();
          void run(false);
        }}
      >
        <h1>Chat</h1>
        <label>
          Username
          <input
            name="username"
            autocomplete="username"
            required
            minLength={3}
            maxLength={32}
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            minLength={8}
            maxLength={128}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <label>
          Display name (for signing up)
          <input
            name="display_name"
            autocomplete="nickname"
            value={displayName}
            onInput={(e) => setDisplayName(e.currentTarget.value)}
          />
        </label>
        <div class="row">
          <button type="submit" disabled={busy}>
            Log in
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={(event) => {
              const form = event.currentTarget.form;
              if (form?.reportValidity()) void run(true);
            }}
          >
            Sign up
          </button>
        </div>
        <p class="hint">Usernames: 3 to 32 of a–z, 0–9, “_”, “.”, “-”. Passwords: 8 or more characters.</p>
      </form>
    </main>
  );
}

type Pane = "conversation" | "wallet";

function Shell({ store }: { store: ChatStore }) {
  const [pane, setPane] = useState<Pane>("conversation");
  const me = store.me!;
  const showingList = pane === "conversation" && !store.openGroupId;
  return (
    <div class={`shell ${showingList ? "list-shown" : "pane-shown"}`}>
      <header class="top">
        <strong class="me">
          {me.display_name || me.username}
          <span class="role">{me.role}</span>
        </strong>
        <ConnectionBadge store={store} />
        <nav class="row">
          <button
            type="button"
            class="secondary"
            aria-pressed={pane === "wallet"}
            onClick={() => {
              setPane(pane === "wallet" ? "conversation" : "wallet");
              void store.loadWallet();
            }}
          >
            Wallet
          </button>
          <button type="button" class="secondary" onClick={() => attempt(store, () => store.logOut())}>
            Log out
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => attempt(store, () => store.logOut(true))}
          >
            Log out everywhere
          </button>
        </nav>
      </header>
      <Sidebar store={store} onOpen={() => setPane("conversation")} />
      <main class="pane">
        {pane === "wallet" ? (
          <WalletPanel store={store} onClose={() => setPane("conversation")} />
        ) : store.openGroupId ? (
          <Conversation key={store.openGroupId} store={store} groupId={store.openGroupId} />
        ) : (
          <p class="empty">Pick a conversation, or start one.</p>
        )}
      </main>
    </div>
  );
}

function ConnectionBadge({ store }: { store: ChatStore }) {
  const state = store.connection;
  const [text, tone] =
    state.kind === "live"
      ? ["Connected", "ok"]
      : state.kind === "polling"
        ? ["Connected (polling)", "ok"]
        : state.kind === "connecting"
          ? [state.attempt > 1 ? "Reconnecting…" : "Connecting…", "warn"]
          : state.kind === "offline"
            ? [
                state.retryInSeconds
                  ? `Connection lost; retrying in ${state.retryInSeconds} s`
                  : "Offline; waiting for the network",
                "bad",
              ]
            : ["Session ended", "bad"];
  return (
    <span class={`connection ${tone}`} role="status" aria-live="polite">
      {text}
    </span>
  );
}

function Sidebar({ store, onOpen }: { store: ChatStore; onOpen: () => void }) {
  const [form, setForm] = useState<"direct" | "group" | null>(null);
  return (
    <aside class="sidebar">
      <div class="row">
        <button
          type="button"
          aria-expanded={form === "direct"}
          onClick={() => setForm(form === "direct" ? null : "direct")}
        >
          New direct chat
        </button>
        <button
          type="button"
          aria-expanded={form === "group"}
          onClick={() => setForm(form === "group" ? null : "group")}
        >
          New group
        </button>
      </div>
      {form === "direct" && <NewDirectForm store={store} done={() => setForm(null)} />}
      {form === "group" && <NewGroupForm store={store} done={() => setForm(null)} />}
      <ul class="conversations" aria-label="Conversations">
        {store.groupOrder.map((id) => {
          const group = store.groups.get(id);
          if (!group) return null;
          const title = store.groupTitle(id);
          return (
            <li key={id}>
              <button
                type="button"
                class={id === store.openGroupId ? "current" : ""}
                aria-current={id === store.openGroupId ? "true" : undefined}
                onClick={() => {
                  onOpen();
                  void store.open(id);
                }}
              >
                <span class="title">
                  {group.kind === "group" ? "# " : ""}
                  {title}
                </span>
                {group.unread > 0 && (
                  <span class="unread" aria-label={`${group.unread} unread`}>
                    {group.unread}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
      {store.groupOrder.length === 0 && <p class="hint">No conversations yet.</p>}
      <BlockedPeople store={store} />
    </aside>
  );
}

function NewDirectForm({ store, done }: { store: ChatStore; done: () => void }) {
  const [username, setUsername] = useState("");
  return (
    <form
      class="inline-form"
      onSubmit={async (event) => {
        event.preventDefault();
        if (await attempt(store, () => store.startDirect(username))) done();
      }}
    >
      <label>
        Their username
        <input required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
      </label>
      <button type="submit">Start chat</button>
    </form>
  );
}

function NewGroupForm({ store, done }: { store: ChatStore; done: () => void }) {
  const [name, setName] = useState("");
  const [members, setMembers] = useState("");
  return (
    <form
      class="inline-form"
      onSubmit={async (event) => {
        event.preventDefault();
        const usernames = members
          .split(/[\s,]+/)
          .map((username) => username.trim())
          .filter(Boolean);
        if (await attempt(store, () => store.createGroup(name, usernames))) done();
      }}
    >
      <label>
        Group name
        <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Members' usernames (comma separated)
        <input required value={members} onInput={(e) => setMembers(e.currentTarget.value)} />
      </label>
      <button type="submit">Create group</button>
    </form>
  );
}

/** The people this user blocked, loaded when opened, each with a way back. */
function BlockedPeople({ store }: { store: ChatStore }) {
  const [blocked, setBlocked] = useState<User[] | null>(null);
  const load = () => attempt(store, async () => setBlocked((await store.api.blocks()).blocks));
  return (
    <details class="blocked" onToggle={(event) => event.currentTarget.open && void load()}>
      <summary>Blocked people</summary>
      {blocked && blocked.length === 0 && <p class="hint">Nobody.</p>}
      <ul class="plain" aria-label="Blocked people">
        {(blocked ?? []).map((user) => (
          <li key={user.id}>
            {user.display_name || user.username}
            <button
              type="button"
              class="link"
              onClick={() =>
                attempt(store, async () => {
                  await store.api.unblock(user.id);
                  await load();
                })
              }
            >
              Unblock {user.display_name || user.username}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
