import type { Logger } from "../../logger.js";
import type { Messenger } from "../../messaging/index.js";
import type { CardItem, Storage } from "../../storage/index.js";
import { type Clock, sleepUntil } from "../clock.js";
import type { TeamsBudget } from "../teams-budget.js";
import { afterFailure, asSendFailure, type RetryPolicy } from "./failure-policy.js";
import type { ItemResult } from "./outcomes.js";
import { markUnreachable } from "./reach.js";

export interface SendCardDeps {
  storage: Pick<Storage, "conversations" | "deliveries">;
  messenger: Messenger;
  budget: TeamsBudget;
  clock: Clock;
  policy: RetryPolicy;
  maxInlineWaitMs: number;
  logger?: Pick<Logger, "info" | "warn">;
  random?: () => number;
}

/**
 * Sends a queued card as it is (a welcome): a place in Teams' limits, the send, and the same retry policy
 * as deliveries. There is no row to claim, so a crash at the send may repeat it: a welcome twice is
 * harmless, a welcome lost to a busy tenant is not.
 */
export async function sendCard(
  deps: SendCardDeps,
  tenantId: string,
  item: CardItem,
  signal: AbortSignal,
): Promise<ItemResult> {
  const { clock, budget } = deps;
  const conversationId = item.conversation.conversationId;
  let attempts = item.attempts ?? 0;
  const later = (at: number): ItemResult =>
    signal.aborted
      ? { outcome: "handed-back", retrySeconds: 0, attempts }
      : { outcome: "requeued", retrySeconds: Math.max(1, Math.ceil((at - clock.now()) / 1000)), attempts };
  for (let round = 0; round < 20; round++) {
    const place = await budget.place(tenantId, conversationId, clock.now() + deps.maxInlineWaitMs, signal);
    if ("retryAt" in place) return later(place.retryAt);
    await sleepUntil(clock, place.at, signal);
    if (signal.aborted) return later(clock.now());
    if (!budget.onTime(place.at) || !budget.takeConversation(conversationId)) continue;
    try {
      await deps.messenger.send(item.conversation, item.card);
      deps.logger?.info({ tenantId, purpose: item.purpose }, "queued card sent");
      return { outcome: "sent" };
    } catch (error) {
      const failure = asSendFailure(error);
      if (!failure) throw error;
      const next = afterFailure(failure, attempts + 1, deps.policy, deps.random);
      if (next.action === "fail") {
        if (next.outcome === "unreachable")
          await markUnreachable(deps.storage, { value: item.conversation }, next.reason, new Date(clock.now()));
        deps.logger?.warn({ tenantId, purpose: item.purpose, reason: next.reason }, "queued card not sent");
        return { outcome: next.outcome };
      }
      if (next.holdOffConversationMs) budget.holdOff(conversationId, next.holdOffConversationMs);
      attempts = next.attempts;
      if (next.delayMs > deps.maxInlineWaitMs || signal.aborted) return later(clock.now() + next.delayMs);
      await clock.sleep(next.delayMs, signal);
    }
  }
  return later(clock.now() + 1_000);
}
