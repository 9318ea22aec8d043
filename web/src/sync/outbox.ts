// Sending a message: the same request, with the same client_msg_id, until the server has it.
// The server answers a repeat with the original (200), so a retry never makes a second message.

import { ApiError } from "../api/client";

export interface RetryPolicy {
  /** Tries in all before a retryable failure is reported (Infinity: keep trying). */
  attempts: number;
  /** Milliseconds before retry n (1-based). */
  delay: (retry: number) => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 8,
  delay: (retry) => Math.min(1000 * 2 ** (retry - 1), 30_000),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs `attempt` until it succeeds, retrying only what may succeed later (no answer, 408, 429,
 * 5xx); a refusal (400, 403, 404, ...) ends it at once. `onRetry` hears each failure retried.
 */
export async function deliver<T>(
  attempt: () => Promise<T>,
  onRetry: (failure: ApiError, retry: number) => void = () => {},
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ApiError) || !error.retryable || tried >= policy.attempts) {
        throw error;
      }
      onRetry(error, tried);
      const wait = error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : policy.delay(tried);
      await policy.sleep(wait);
    }
  }
}
