import { useState } from "preact/hooks";
import type { ChatStore } from "../state";
import { attempt, formatMoney, formatTime, useIntentKey } from "./hooks";

const KIND_NAMES = { credit: "Credit", charge_debit: "Charged", charge_credit: "Received" } as const;

/** Balance, ledger and charges; the spending authorizations given; admins' credits. */
export function WalletPanel({ store, onClose }: { store: ChatStore; onClose: () => void }) {
  const wallet = store.wallet;
  const [provider, setProvider] = useState("");
  const [limit, setLimit] = useState("5000");
  const [currency, setCurrency] = useState("EUR");
  const [creditUser, setCreditUser] = useState("");
  const [creditAmount, setCreditAmount] = useState("1000");
  const [creditKey, nextCreditKey] = useIntentKey(creditUser, creditAmount, currency);
  return (
    <section class="wallet" aria-label="Wallet">
      <header class="conversation-head">
        <button type="button" class="back secondary" onClick={onClose}>
          ← Conversations
        </button>
        <h2>Wallet</h2>
      </header>
      {!wallet ? (
        <p class="hint">Loading…</p>
      ) : (
        <>
          <h3>Balance</h3>
          <ul aria-label="Balances" class="plain">
            {wallet.balances.length === 0 && <li>No money yet.</li>}
            {wallet.balances.map((balance) => (
              <li key={balance.currency} class="balance">
                {formatMoney(balance.amount, balance.currency)}
              </li>
            ))}
          </ul>

          <h3>Who may charge me</h3>
          <ul aria-label="Authorizations" class="plain">
            {wallet.authorizations.map((grant) => (
              <li key={grant.id}>
                {store.userName(grant.provider_id)}: {formatMoney(grant.remaining, grant.currency)} left of{" "}
                {formatMoney(grant.max_amount, grant.currency)}
                <button type="button" class="link" onClick={() => attempt(store, () => store.revoke(grant.id))}>
                  Revoke
                </button>
              </li>
            ))}
          </ul>
          <form
            class="inline-form"
            onSubmit={async (event) => {
              event.preventDefault();
              if (await attempt(store, () => store.authorize(provider, Math.round(Number(limit)), currency))) {
                setProvider("");
              }
            }}
          >
            <label>
              Provider's username
              <input required value={provider} onInput={(e) => setProvider(e.currentTarget.value)} />
            </label>
            <label>
              Up to (cents)
              <input type="number" min="1" required value={limit} onInput={(e) => setLimit(e.currentTarget.value)} />
            </label>
            <label>
              Currency
              <input size={4} maxLength={3} value={currency} onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())} />
            </label>
            <button type="submit">Authorize</button>
          </form>

          {store.me?.role === "admin" && (
            <>
              <h3>Credit a wallet</h3>
              <form
                class="inline-form"
                onSubmit={async (event) => {
                  event.preventDefault();
                  const credited = await attempt(store, () =>
                    store.credit(creditUser, Math.round(Number(creditAmount)), currency, creditKey),
                  );
                  if (credited) {
                    nextCreditKey();
                    setCreditUser("");
                  }
                }}
              >
                <label>
                  Username to credit
                  <input required value={creditUser} onInput={(e) => setCreditUser(e.currentTarget.value)} />
                </label>
                <label>
                  Amount (cents)
                  <input type="number" min="1" required value={creditAmount} onInput={(e) => setCreditAmount(e.currentTarget.value)} />
                </label>
                <button type="submit">Credit</button>
              </form>
              <AccountForm store={store} />
            </>
          )}

          <h3>Charges</h3>
          <ul aria-label="Charges" class="plain">
            {wallet.charges.length === 0 && <li>None.</li>}
            {wallet.charges.map((charge) => (
              <li key={charge.id}>
                {formatTime(charge.created_at)} · {store.userName(charge.payee_id)} charged{" "}
                {store.userName(charge.payer_id)} {formatMoney(charge.amount, charge.currency)}
                {charge.description ? ` (${charge.description})` : ""}
              </li>
            ))}
          </ul>

          <h3>Ledger</h3>
          <ul aria-label="Ledger" class="plain">
            {wallet.entries.length === 0 && <li>No entries.</li>}
            {[...wallet.entries].reverse().map((entry) => (
              <li key={entry.id}>
                {formatTime(entry.created_at)} · {KIND_NAMES[entry.kind]}{" "}
                {formatMoney(entry.amount, entry.currency)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** Admins open accounts with a role (providers, other admins) that sign-up cannot give. */
function AccountForm({ store }: { store: ChatStore }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<"member" | "provider" | "admin">("provider");
  const [made, setMade] = useState<string | null>(null);
  return (
    <>
      <h3>Open an account</h3>
      <form
        class="inline-form"
        onSubmit={async (event) => {
          event.preventDefault();
          setMade(null);
          await attempt(store, async () => {
            const { user } = await store.api.signUp({ username, password, role });
            setMade(`Opened ${user.username} (${user.role}).`);
            setUsername("");
            setPassword("");
          });
        }}
      >
        <label>
          New account's username
          <input required minLength={3} maxLength={32} value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          New account's password
          <input type="password" autocomplete="new-password" required minLength={8} maxLength={128} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as typeof role)}>
            <option value="provider">provider</option>
            <option value="member">member</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit">Open account</button>
        {made && <p role="status" class="hint">{made}</p>}
      </form>
    </>
  );
}
