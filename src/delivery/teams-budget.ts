import { type Clock, systemClock } from "./clock.js";
import { ConversationLimiter } from "./conversation-limiter.js";
import type { TenantRateLimiter } from "./tenant-rate-limiter.js";

/** A place in the limits: send at `at` (at most the limiter's grace late), or nothing in time. */
export type Place = { at: number } | { retryAt: number };

/**
 * Teams' limits for every call the app makes, in one place: the tenant's shared rate (all instances, all
 * kinds of call) and the per-conversation windows (this instance). Callers wait for a place, do their own
 * preparation (a claim), and send only if still on time.
 */
export class TeamsBudget {
  readonly conversations: ConversationLimiter;

  constructor(
    readonly tenants: TenantRateLimiter,
    readonly clock: Clock = systemClock,
    conversations?: ConversationLimiter,
  ) {
    this.conversations = conversations ?? new ConversationLimiter();
  }

  /**
   * Waits until a send to this conversation fits the windows and the tenant's rate has a slot for it, no
   * later than `deadline`. Returns the slot, or when one could be if none comes in time (or on `signal`).
   */
  async place(tenantId: string, conversationId: string, deadline: number, signal?: AbortSignal): Promise<Place> {
    for (let round = 0; round < 100; round++) {
      const now = this.clock.now();
      if (signal?.aborted) return { retryAt: now };
      const conversationWait = this.conversations.wait(conversationId, now);
      if (conversationWait > 0) {
        if (now + conversationWait > deadline) return { retryAt: now + conversationWait };
        await this.clock.sleep(conversationWait, signal);
        continue;
      }
      const slot = await this.tenants.reserve(tenantId, Math.max(0, deadline - now));
      if (slot.reserved) return { at: slot.at };
      if (slot.at > deadline) return { retryAt: slot.at };
      await this.clock.sleep(Math.max(1, slot.at - this.clock.now()), signal);
    }
    return { retryAt: this.clock.now() + 1_000 };
  }

  /** Whether a slot may still be spent now: never early, and at most the grace late. */
  onTime(at: number): boolean {
    return this.clock.now() <= at + this.tenants.graceMs;
  }

  /** Counts the send against the conversation's windows; false if one of them filled up meanwhile. */
  takeConversation(conversationId: string): boolean {
    return this.conversations.take(conversationId, this.clock.now()) === 0;
  }

  holdOff(conversationId: string, ms: number): void {
    this.conversations.holdOff(conversationId, ms, this.clock.now());
  }
}
