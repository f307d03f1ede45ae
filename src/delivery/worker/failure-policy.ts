import { SendFailure } from "../../messaging/index.js";
import { fullJitterMs } from "../backoff.js";

export interface RetryPolicy {
  /** Send attempts before a delivery fails with the last reason (429s do not count). */
  maxAttempts: number;
  /** Full-jitter backoff for transient failures (5xx, 412, network). */
  backoffBaseMs: number;
  backoffCapMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, backoffBaseMs: 500, backoffCapMs: 8_000 };

/** What to do after a failed call to Teams. */
export type FailureAction =
  | { action: "fail"; outcome: "unreachable"; reason: string }
  | { action: "fail"; outcome: "failed"; reason: string }
  | {
      action: "retry";
      /** Attempts so far, this one included (429s do not count). */
      attempts: number;
      delayMs: number;
      reason: string;
      /** Teams said to leave this conversation alone for a while (429 Retry-After). */
      holdOffConversationMs?: number;
      /** The request went out and no answer came back: it may have reached Teams. */
      mayHaveSent: boolean;
    };

/**
 * The one retry policy for every call the app makes to Teams (deliveries, queued cards, replies, card
 * updates). 403/404: the person removed or blocked the bot — never retried; other 4xx: permanent;
 * 429: wait as long as Teams said, without spending an attempt; 5xx, 412, network: back off with full
 * jitter until `maxAttempts`. Pure: the failure, the attempts already made (this one included) and the
 * source of randomness decide.
 */
export function afterFailure(
  failure: SendFailure,
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): FailureAction {
  const reason = `${failure.kind}${failure.status ? ` ${failure.status}` : ""}: ${failure.message}`.slice(0, 900);
  switch (failure.kind) {
    case "unreachable":
      // Read plainly in the delivery report: "Teams refused: ConversationBlockedByUser".
      return { action: "fail", outcome: "unreachable", reason: failure.message.slice(0, 900) };
    case "permanent":
      return { action: "fail", outcome: "failed", reason };
    case "throttled": {
      const delayMs = failure.retryAfterMs ?? 1_000;
      return {
        action: "retry",
        attempts: Math.max(0, attempts - 1),
        delayMs,
        reason,
        holdOffConversationMs: delayMs,
        mayHaveSent: false,
      };
    }
    case "transient": {
      // An answer with a status means Teams took nothing; no answer at all leaves it open.
      const mayHaveSent = failure.status === undefined && failure.requestSent;
      if (attempts >= policy.maxAttempts)
        return { action: "fail", outcome: "failed", reason: `after ${attempts} attempts: ${reason}` };
      return {
        action: "retry",
        attempts,
        delayMs: fullJitterMs(attempts, policy.backoffBaseMs, policy.backoffCapMs, random),
        reason,
        mayHaveSent,
      };
    }
  }
}

/** A thrown error as a SendFailure when it is one a retry policy can act on (network errors are transient). */
export function asSendFailure(error: unknown): SendFailure | undefined {
  if (error instanceof SendFailure) return error;
  const code = (error as { code?: string } | undefined)?.code;
  if (code === "ECONNRESET" || code === "EPIPE" || code === "ETIMEDOUT")
    return new SendFailure("transient", String(error), undefined, undefined, true);
  if (code === "ECONNREFUSED") return new SendFailure("transient", String(error), undefined, undefined, false);
  return undefined;
}
