import type { Conversation } from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { SendFailure } from "../messaging/index.js";
import type { DeliveryMessage, MessageQueue, QueueItem } from "../storage/index.js";
import { sleepUntil } from "./clock.js";
import type { TeamsBudget } from "./teams-budget.js";
import { afterFailure, defaultRetryPolicy, type RetryPolicy } from "./worker/failure-policy.js";

export interface InlineCallOptions {
  /** How long a person may wait on the call (a reply, a card update), retries included. */
  deadlineMs?: number;
  policy?: RetryPolicy;
  random?: () => number;
}

/**
 * Calls to Teams that a person is waiting on (a reply to a command, the update of a clicked card), made
 * inside the tenant's budget and under the same retry policy as deliveries, but within a deadline: a place
 * in the limits is waited for until then (after which the call goes anyway, once, rather than leave the
 * person without an answer), and a failure is retried only while the deadline allows.
 */
export class InlineTeamsCalls {
  private readonly deadlineMs: number;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly budget: TeamsBudget,
    private readonly options: InlineCallOptions = {},
    private readonly logger?: Pick<Logger, "warn">,
  ) {
    this.deadlineMs = options.deadlineMs ?? 5_000;
    this.policy = options.policy ?? defaultRetryPolicy;
  }

  async run<T>(
    tenantId: string,
    conversationId: string,
    call: () => Promise<T>,
    asFailure: (error: unknown) => SendFailure | undefined,
  ): Promise<T> {
    const { clock } = this.budget;
    const deadline = clock.now() + this.deadlineMs;
    for (let attempt = 1; ; attempt++) {
      const place = await this.budget.place(tenantId, conversationId, deadline);
      if ("at" in place) await sleepUntil(clock, place.at);
      else
        this.logger?.warn({ tenantId }, "Teams call made without a place in the tenant's budget: a person is waiting");
      this.budget.takeConversation(conversationId);
      try {
        return await call();
      } catch (error) {
        const failure = asFailure(error);
        if (!failure) throw error;
        const next = afterFailure(failure, attempt, this.policy, this.options.random);
        if (next.action === "fail" || clock.now() + next.delayMs > deadline) throw error;
        if (next.holdOffConversationMs) this.budget.holdOff(conversationId, next.holdOffConversationMs);
        await clock.sleep(next.delayMs);
      }
    }
  }
}

/**
 * Puts a card on the delivery queue to be sent as it is (a welcome): the workers send it within the
 * tenant's budget, under the same retry policy, so thousands of installs at once never crowd out Teams' limits.
 */
export async function queueCard(
  queue: Pick<MessageQueue<DeliveryMessage>, "send">,
  conversation: Conversation,
  card: { card: Record<string, unknown>; summary: string },
  purpose: string,
): Promise<void> {
  const item: QueueItem = { kind: "card", purpose, conversation, card };
  await queue.send({ tenantId: conversation.tenantId, items: [item] });
}
