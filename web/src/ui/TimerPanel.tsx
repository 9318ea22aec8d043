import { useEffect, useState } from "preact/hooks";
import type { Charge } from "../api/client";
import type { ChatStore } from "../state";
import { attempt, formatElapsed, formatMoney, useIntentKey } from "./hooks";

/** The group's timer: every member sees it tick; its drivers start, pause, resume, stop. */
export function TimerPanel({ store, groupId }: { store: ChatStore; groupId: string }) {
  const held = store.timers.get(groupId);
  const [, tick] = useState(0);
  const [rate, setRate] = useState("100");
  const [currency, setCurrency] = useState("EUR");
  const [payer, setPayer] = useState("");
  const [charged, setCharged] = useState<string | null>(null);
  const [amount, setAmount] = useState("500");
  const [timerChargeKey, nextTimerChargeKey] = useIntentKey(payer, held?.timer.started_at);
  const [amountChargeKey, nextAmountChargeKey] = useIntentKey(payer, amount, currency);
  const running = held?.timer.state === "running";
  useEffect(() => {
    if (!running) return;
    const every = setInterval(() => tick((n) => n + 1), 250);
    return () => clearInterval(every);
  }, [running]);
  if (!held) return null;
  const { timer, receivedAt } = held;
  // The server's elapsed time as of the answer, plus what this device has seen pass since:
  // immune to the device's clock being off.
  const elapsed = timer.elapsed_ms + (running ? Date.now() - receivedAt : 0);
  const drives = store.canDriveTimer(groupId);
  const isProvider = store.me?.role === "provider" || store.me?.role === "admin";
  const others = (store.details.get(groupId)?.members ?? []).filter((m) => m.user_id !== store.me?.id);
  const charge = (make: () => Promise<Charge>, nextKey: () => void) => {
    setCharged(null);
    void attempt(store, async () => {
      const made = await make();
      nextKey();
      setCharged(`Charged ${store.userName(made.payer_id)} ${formatMoney(made.amount, made.currency)}.`);
    });
  };
  const step = (name: "pause" | "resume" | "stop") => () =>
    attempt(store, () => store.driveTimer(groupId, name));
  return (
    <section class="timer" aria-label="Timer">
      <span class="clock" role="timer" aria-label="Elapsed time">
        {formatElapsed(elapsed)}
      </span>
      <span class="hint">
        {timer.state}
        {timer.rate ? ` · ${formatMoney(timer.rate.amount_per_minute, timer.rate.currency)} per minute` : ""}
      </span>
      {drives && (
        <div class="row wrap">
          {(timer.state === "idle" || timer.state === "stopped") && (
            <form
              class="row"
              onSubmit={(event) => {
                event.preventDefault();
                const amount = Math.round(Number(rate));
                void attempt(store, () =>
                  store.driveTimer(
                    groupId,
                    "start",
                    amount > 0 ? { amount_per_minute: amount, currency } : undefined,
                  ),
                );
              }}
            >
              <label>
                Rate per minute (cents)
                <input type="number" min="0" step="1" value={rate} onInput={(e) => setRate(e.currentTarget.value)} />
              </label>
              <label>
                Currency
                <input size={4} maxLength={3} value={currency} onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())} />
              </label>
              <button type="submit">Start timer</button>
            </form>
          )}
          {timer.state === "running" && (
            <button type="button" onClick={step("pause")}>
              Pause timer
            </button>
          )}
          {timer.state === "paused" && (
            <button type="button" onClick={step("resume")}>
              Resume timer
            </button>
          )}
          {(timer.state === "running" || timer.state === "paused") && (
            <button type="button" onClick={step("stop")}>
              Stop timer
            </button>
          )}
        </div>
      )}
      {isProvider && others.length > 0 && (
        <form class="row wrap" onSubmit={(event) => event.preventDefault()}>
          <label>
            Member to charge
            <select required value={payer} onChange={(e) => setPayer(e.currentTarget.value)}>
              <option value="">Choose…</option>
              {others.map((member) => (
                <option key={member.user_id} value={member.user_id}>
                  {store.userName(member.user_id)}
                </option>
              ))}
            </select>
          </label>
          {timer.state === "stopped" && timer.rate && (
            <button
              type="button"
              onClick={(event) =>
                event.currentTarget.form?.reportValidity() &&
                charge(() => store.chargeTimer(groupId, payer, timerChargeKey), nextTimerChargeKey)
              }
            >
              Charge for the time
            </button>
          )}
          <label>
            Amount (cents)
            <input type="number" min="1" step="1" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
          </label>
          <button
            type="button"
            onClick={(event) =>
              event.currentTarget.form?.reportValidity() &&
              charge(
                () => store.chargeAmount(groupId, payer, Math.round(Number(amount)), currency, amountChargeKey),
                nextAmountChargeKey,
              )
            }
          >
            Charge an amount
          </button>
        </form>
      )}
      {charged && (
        <p class="hint" role="status">
          {charged}
        </p>
      )}
    </section>
  );
}
