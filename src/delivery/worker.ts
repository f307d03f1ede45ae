import { type Conversation, type Delivery, transitionDelivery } from "../domain/index.js";
import type { Logger } from "../logger.js";
import { type Messenger, SendFailure } from "../messaging/index.js";
import {
  ConcurrencyError,
  type DeliveryMessage,
  type QueueMessage,
  type Storage,
  type Versioned,
} from "../storage/index.js";
import { fullJitterMs } from "./backoff.js";
import { ContentCache } from "./content-cache.js";
import { ConversationLimiter } from "./conversation-limiter.js";
import type { DeliveryCardRenderer } from "./fallback-card.js";
import type { TenantRateLimiter } from "./tenant-rate-limiter.js";

export interface DeliveryWorkerOptions {
  /** Names this instance in logs. */
  instanceId: string;
  /** Messages taken from the queue at once (at most 32). */
  batchSize?: number;
  /** Receive loops in this instance, each working through its batch concurrently. */
  lanes?: number;
  /** How long a received message stays hidden, and how long a claim on its delivery lasts. */
  visibilitySeconds?: number;
  /** Send attempts before a delivery fails with the last reason. */
  maxAttempts?: number;
  /** Wait when the queue is empty. */
  idleMs?: number;
  /** Full-jitter backoff for transient failures (5xx, 412, network). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A wait for the rate limits longer than this hands the message back to the queue instead. */
  maxInlineWaitMs?: number;
}

/** Test seams at the two points where a crash matters; they never change what the worker does. */
export interface WorkerHooks {
  afterClaim?(delivery: Delivery): Promise<void> | void;
  afterSend?(delivery: Delivery): Promise<void> | void;
}

export interface WorkerDeps {
  storage: Pick<Storage, "deliveries" | "conversations" | "deliveryQueue" | "programs" | "teams" | "assets">;
  messenger: Messenger;
  render: DeliveryCardRenderer;
  tenantLimiter: TenantRateLimiter;
  conversationLimiter?: ConversationLimiter;
  logger?: Logger;
  hooks?: WorkerHooks;
}

export type Outcome =
  | "sent"
  | "failed"
  | "unreachable"
  | "expired"
  | "cancelled"
  | "already-done"
  | "claimed-elsewhere"
  | "requeued"
  | "waiting-for-row"
  | "dropped";

/** Marks a delivery sent after taking over an interrupted claim: the earlier attempt may have reached Teams. */
export const POSSIBLE_DUPLICATE = "possible duplicate: sent again after an interrupted attempt";

/** How soon a copy of a delivery that another worker holds is looked at again. */
const CLAIMED_ELSEWHERE_RECHECK_SECONDS = 2;

/** How to reach a person: the conversation row (with its etag) or the copy the message carried. */
type Reach = { value: Conversation; etag?: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes deliveries off the queue and sends them, in every instance at once (competing consumers). The
 * loop for one message: cancelled or no longer pending → drop it; unreachable or paused → final; rate
 * limits → wait or requeue with a delay; claim (etag-conditional save) → send → record → delete the
 * message; transient failures back off and retry until `maxAttempts`, then fail with the reason.
 */
export class DeliveryWorker {
  readonly counts: Record<Outcome, number> = {
    sent: 0,
    failed: 0,
    unreachable: 0,
    expired: 0,
    cancelled: 0,
    "already-done": 0,
    "claimed-elsewhere": 0,
    requeued: 0,
    "waiting-for-row": 0,
    dropped: 0,
  };
  private readonly options: Required<DeliveryWorkerOptions>;
  private readonly content: ContentCache;
  private readonly conversationLimiter: ConversationLimiter;
  private running = false;
  private loops: Promise<void>[] = [];
  private wake: (() => void) | undefined;

  constructor(
    private readonly deps: WorkerDeps,
    options: DeliveryWorkerOptions,
  ) {
    this.options = {
      batchSize: 32,
      lanes: 2,
      visibilitySeconds: 60,
      maxAttempts: 5,
      idleMs: 1_000,
      backoffBaseMs: 500,
      backoffCapMs: 8_000,
      maxInlineWaitMs: 5_000,
      ...options,
    };
    this.content = new ContentCache(deps.storage);
    this.conversationLimiter = deps.conversationLimiter ?? new ConversationLimiter();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.options.lanes }, () => this.loop());
  }

  /** Stops taking messages and resolves when the ones in hand are done. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const handled = await this.runOnce();
        if (handled === 0 && this.running) await this.idle();
      } catch (error) {
        this.deps.logger?.error({ err: error }, "delivery worker: a batch failed; retrying");
        await this.idle();
      }
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.options.idleMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Receives one batch and works through it; returns how many messages it handled. */
  async runOnce(): Promise<number> {
    const { deliveryQueue, conversations } = this.deps.storage;
    const messages = await deliveryQueue.receive({
      max: this.options.batchSize,
      visibilitySeconds: this.options.visibilitySeconds,
    });
    if (messages.length === 0) return 0;
    // Messages carry the person's conversation as planned; only the others need a read. Point reads, one
    // per person: an OR of row keys would be a partition scan on Azure Tables.
    const people = [
      ...new Set(
        messages
          .filter((m) => !m.body.conversation)
          .map((m) => `${m.body.tenantId}|${m.body.recipientObjectId.toLowerCase()}`),
      ),
    ];
    const found = new Map<string, Reach>();
    await Promise.all(
      people.map(async (key) => {
        const [tenantId = "", objectId = ""] = key.split("|");
        const row = await conversations.get(tenantId, objectId);
        if (row) found.set(key, row);
      }),
    );
    const reachOf = (m: QueueMessage<DeliveryMessage>): Reach | undefined =>
      m.body.conversation
        ? { value: m.body.conversation }
        : found.get(`${m.body.tenantId}|${m.body.recipientObjectId.toLowerCase()}`);
    await Promise.all(
      messages.map(async (message) => {
        try {
          const outcome = await this.handle(message, reachOf(message));
          this.counts[outcome]++;
        } catch (error) {
          // The message comes back after its visibility timeout; the claim (if any) expires with it.
          this.deps.logger?.warn({ err: error, delivery: message.body }, "delivery worker: message left for a retry");
        }
      }),
    );
    return messages.length;
  }

  private async handle(message: QueueMessage<DeliveryMessage>, conversation: Reach | undefined): Promise<Outcome> {
    const { deliveries, deliveryQueue } = this.deps.storage;
    const { tenantId, recipientObjectId, deliveryId, planned } = message.body;
    if (planned) {
      // The row as planned, unread: any change since makes the first conditional write fail, and then
      // the row is read and everything decided afresh.
      try {
        return await this.decide(message, conversation, { value: planned.delivery, etag: planned.etag }, true);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
    const row = await deliveries.get(tenantId, recipientObjectId, deliveryId);
    if (!row) {
      // Deleted with its program, or never written: nothing to send.
      if (message.dequeueCount < 3) {
        await deliveryQueue.release(message, 10);
        return "waiting-for-row";
      }
      await deliveryQueue.delete(message);
      return "dropped";
    }
    return this.decide(message, conversation, row, false);
  }

  /** The send loop for one delivery row; `optimistic` rows were not read, and a stale etag throws. */
  private async decide(
    message: QueueMessage<DeliveryMessage>,
    conversation: Reach | undefined,
    row: Versioned<Delivery>,
    optimistic: boolean,
  ): Promise<Outcome> {
    const { deliveries, deliveryQueue } = this.deps.storage;
    const { tenantId } = message.body;
    const delivery = row.value;
    if (delivery.status === "cancelled") return this.done(message, "cancelled");
    if (delivery.status !== "scheduled") return this.done(message, "already-done");
    const now = Date.now();
    if (delivery.claimedUntil && Date.parse(delivery.claimedUntil) > now) {
      // Back soon: a live claim is most often a send that finishes within a second or two.
      const claimLeft = Math.ceil((Date.parse(delivery.claimedUntil) - now) / 1000) + 1;
      await deliveryQueue.release(message, Math.min(claimLeft, CLAIMED_ELSEWHERE_RECHECK_SECONDS));
      return "claimed-elsewhere";
    }
    if (!conversation?.value.reachable) {
      const reason = conversation?.value.unreachableReason ?? "the bot is not installed for this person";
      await this.finish(row, "failed", `unreachable: ${reason}`);
      return this.done(message, "unreachable");
    }
    const pausedUntil = conversation.value.pausedUntil;
    if (pausedUntil && Date.parse(pausedUntil) > now) {
      await this.finish(row, "expired", `paused until ${pausedUntil}`);
      return this.done(message, "expired");
    }
    const wait = await this.waitForLimits(tenantId, conversation.value.conversationId);
    if (wait > 0) {
      await deliveryQueue.release(message, Math.ceil(wait / 1000));
      return "requeued";
    }
    const interrupted = Boolean(delivery.claimedUntil);
    let claim: Versioned<Delivery>;
    try {
      claim = await deliveries.save(
        {
          ...delivery,
          attempts: delivery.attempts + 1,
          claimedUntil: new Date(now + this.options.visibilitySeconds * 1000).toISOString(),
          updatedAt: new Date(now).toISOString(),
        },
        row.etag,
      );
    } catch (error) {
      if (optimistic || !(error instanceof ConcurrencyError)) throw error;
      // Another worker claimed or changed it first; this copy comes back later and finds out what happened.
      await deliveryQueue.release(message, 2);
      return "claimed-elsewhere";
    }
    await this.deps.hooks?.afterClaim?.(claim.value);
    return this.sendClaimed(message, claim, conversation, interrupted, now);
  }

  private async sendClaimed(
    message: QueueMessage<DeliveryMessage>,
    claim: Versioned<Delivery>,
    conversation: Reach,
    interrupted: boolean,
    claimedAt: number,
  ): Promise<Outcome> {
    const delivery = claim.value;
    const { tenantId, programId, teamId, assetId } = delivery;
    const [program, team, asset] = await Promise.all([
      this.content.program(tenantId, programId),
      this.content.team(tenantId, teamId),
      this.content.asset(tenantId, programId, assetId),
    ]);
    if (!program || !team || !asset) {
      await this.finish(
        claim,
        "failed",
        `permanent: the delivery's ${!program ? "program" : !team ? "team" : "asset"} no longer exists`,
      );
      return this.done(message, "failed");
    }
    const card = this.deps.render(delivery, asset, { program, team });
    let attempts = delivery.attempts;
    for (;;) {
      try {
        const { activityId } = await this.deps.messenger.send(conversation.value, card);
        await this.deps.hooks?.afterSend?.(delivery);
        const sent = transitionDelivery(delivery, "sent", new Date(), {
          activityId,
          conversationId: conversation.value.conversationId,
          attempts,
          lastError: interrupted ? POSSIBLE_DUPLICATE : null,
        });
        try {
          await this.deps.storage.deliveries.save({ ...sent, claimedUntil: null }, claim.etag);
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          this.deps.logger?.warn(
            { delivery: delivery.id },
            "delivery sent, but its row changed meanwhile (claim expired?)",
          );
        }
        return this.done(message, "sent");
      } catch (error) {
        if (!(error instanceof SendFailure) && !isNetworkError(error)) throw error;
        const failure = error instanceof SendFailure ? error : new SendFailure("transient", String(error));
        const reason = `${failure.kind}${failure.status ? ` ${failure.status}` : ""}: ${failure.message}`.slice(0, 900);
        if (failure.kind === "unreachable") {
          await this.markUnreachable(conversation, reason);
          await this.finish(claim, "failed", `unreachable: ${reason}`, attempts);
          return this.done(message, "unreachable");
        }
        if (failure.kind === "permanent") {
          await this.finish(claim, "failed", reason, attempts);
          return this.done(message, "failed");
        }
        if (failure.kind === "throttled") {
          this.conversationLimiter.holdOff(conversation.value.conversationId, failure.retryAfterMs ?? 1_000);
        } else {
          attempts++;
          if (attempts >= this.options.maxAttempts) {
            await this.finish(claim, "failed", `after ${attempts} attempts: ${reason}`, attempts);
            return this.done(message, "failed");
          }
        }
        const delay =
          failure.kind === "throttled"
            ? (failure.retryAfterMs ?? 1_000)
            : fullJitterMs(attempts, this.options.backoffBaseMs, this.options.backoffCapMs);
        // Keep the claim while it has time to spare; otherwise give the delivery back with the reason.
        const claimLeft = claimedAt + this.options.visibilitySeconds * 1000 - Date.now();
        if (delay > this.options.maxInlineWaitMs || delay > claimLeft / 2) {
          await this.deps.storage.deliveries.save(
            { ...delivery, attempts, claimedUntil: null, lastError: reason },
            claim.etag,
          );
          await this.deps.storage.deliveryQueue.release(message, Math.ceil(delay / 1000));
          return "requeued";
        }
        await sleep(delay);
        const wait = await this.waitForLimits(tenantId, conversation.value.conversationId);
        if (wait > 0) {
          await this.deps.storage.deliveries.save(
            { ...delivery, attempts, claimedUntil: null, lastError: reason },
            claim.etag,
          );
          await this.deps.storage.deliveryQueue.release(message, Math.ceil(wait / 1000));
          return "requeued";
        }
      }
    }
  }

  /** Waits in place for short limits; returns the wait still due when it is too long to hold the message. */
  private async waitForLimits(tenantId: string, conversationId: string): Promise<number> {
    const deadline = Date.now() + this.options.maxInlineWaitMs;
    const slot = await this.deps.tenantLimiter.reserve(tenantId, this.options.maxInlineWaitMs);
    if (!slot.reserved) return Math.max(1, slot.waitMs);
    if (slot.waitMs > 0) await sleep(slot.waitMs);
    for (;;) {
      const wait = this.conversationLimiter.take(conversationId);
      if (wait === 0) return 0;
      if (Date.now() + wait > deadline) return wait;
      await sleep(wait);
    }
  }

  private async finish(
    row: Versioned<Delivery>,
    to: "failed" | "expired",
    reason: string,
    attempts = row.value.attempts,
  ): Promise<void> {
    const next = transitionDelivery(row.value, to, new Date(), { lastError: reason.slice(0, 1000), attempts });
    await this.deps.storage.deliveries.save({ ...next, claimedUntil: null }, row.etag);
  }

  private async markUnreachable(reach: Reach, reason: string): Promise<void> {
    const { conversations } = this.deps.storage;
    const conversation = reach.etag
      ? { value: reach.value, etag: reach.etag }
      : await conversations.get(reach.value.tenantId, reach.value.objectId);
    // A re-install since planning gave the person a new conversation: the refusal was for the old one.
    if (!conversation || conversation.value.conversationId !== reach.value.conversationId) return;
    try {
      await conversations.save(
        {
          ...conversation.value,
          reachable: false,
          unreachableReason: reason.slice(0, 500),
          updatedAt: new Date().toISOString(),
        },
        conversation.etag,
      );
    } catch (error) {
      // Someone changed it meanwhile (a re-install, another worker): theirs is newer.
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }

  private async done(message: QueueMessage<DeliveryMessage>, outcome: Outcome): Promise<Outcome> {
    await this.deps.storage.deliveryQueue.delete(message).catch((error: unknown) => {
      // Already gone (a duplicate copy was deleted by another worker): nothing left to do.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    });
    return outcome;
  }
}

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "ECONNRESET" || code === "ECONNREFUSED" || code === "ETIMEDOUT" || code === "EPIPE";
}
