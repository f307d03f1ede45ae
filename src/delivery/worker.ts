import { type Conversation, type Delivery, transitionDelivery } from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { DeliveryCardRenderer } from "../messaging/index.js";
import { type Messenger, SendFailure } from "../messaging/index.js";
import {
  ConcurrencyError,
  type DeliveryItem,
  type DeliveryMessage,
  MAX_ITEMS_PER_DELIVERY_MESSAGE,
  type QueueMessage,
  type Storage,
  type Versioned,
} from "../storage/index.js";
import { fullJitterMs } from "./backoff.js";
import { ContentCache } from "./content-cache.js";
import { ConversationLimiter } from "./conversation-limiter.js";
import { expirePending } from "./expire-pending.js";
import type { TenantRateLimiter } from "./tenant-rate-limiter.js";

export interface DeliveryWorkerOptions {
  /** Names this instance in logs. */
  instanceId: string;
  /** Queue messages taken at once (at most 32); each carries one or more deliveries. */
  batchSize?: number;
  /** Receive loops in this instance. */
  lanes?: number;
  /** Deliveries this instance works on at once; a lane receives more only when there is room. */
  maxInFlight?: number;
  /** How long a received message stays hidden, and how long a claim on its delivery lasts. */
  visibilitySeconds?: number;
  /** Send attempts before a delivery fails with the last reason. */
  maxAttempts?: number;
  /** Wait when the queue is empty. */
  idleMs?: number;
  /** Full-jitter backoff for transient failures (5xx, 412, network). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** A wait for the rate limits longer than this hands the delivery back to the queue instead. */
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

/** What became of one delivery of a message: done with, or to be looked at again in `retrySeconds`. */
interface ItemResult {
  outcome: Outcome;
  retrySeconds?: number;
  /** Nothing wrote the row: the planned copy the message carries is still good for a claim. */
  rowUntouched?: boolean;
}

/** Marks a delivery sent after taking over an interrupted claim: the earlier attempt may have reached Teams. */
export const POSSIBLE_DUPLICATE = "possible duplicate: sent again after an interrupted attempt";

/** Every planned delivery, however far ahead. */
const NO_END = new Date("9999-12-31T00:00:00.000Z");

/** How soon a copy of a delivery that another worker holds is looked at again. */
const CLAIMED_ELSEWHERE_RECHECK_SECONDS = 2;

/** How to reach a person: the conversation row (with its etag) or the copy the message carried. */
type Reach = { value: Conversation; etag?: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes deliveries off the queue and sends them, in every instance at once (competing consumers). The
 * loop for one delivery: cancelled or no longer pending → done; unreachable or paused → final; rate
 * limits → wait or hand it back with a delay; claim (etag-conditional save) → send → record; transient
 * failures back off and retry until `maxAttempts`, then fail with the reason. A message is deleted when
 * all its deliveries are done with, or handed back once holding only those still to do.
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
  private readonly inHand = new Set<Promise<void>>();
  private inFlight = 0;
  /** Room held by receives under way. */
  private receiving = 0;
  /** Deliveries per message lately: how many messages fit the room left. */
  private itemsPerMessage = MAX_ITEMS_PER_DELIVERY_MESSAGE;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly deps: WorkerDeps,
    options: DeliveryWorkerOptions,
  ) {
    this.options = {
      batchSize: 32,
      lanes: 2,
      maxInFlight: 256,
      visibilitySeconds: 60,
      maxAttempts: 5,
      idleMs: 1_000,
      backoffBaseMs: 500,
      backoffCapMs: 8_000,
      maxInlineWaitMs: 10_000,
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
    this.wakeAll();
    await Promise.all(this.loops);
    await Promise.all(this.inHand);
    this.loops = [];
  }

  /** Keeps up to `maxInFlight` deliveries in hand: a slow send never holds up the messages beside it. */
  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const room = this.options.maxInFlight - this.inFlight - this.receiving;
        // With nothing in hand, one message is taken whatever its size, so a small limit cannot stall.
        if (room < this.itemsPerMessage && this.inFlight + this.receiving > 0) {
          await this.pause();
          continue;
        }
        const max = Math.min(this.options.batchSize, Math.max(1, Math.floor(room / this.itemsPerMessage)));
        // The room is held while the receive is under way, so lanes receiving at once do not overfill it.
        const expected = max * this.itemsPerMessage;
        this.receiving += expected;
        let messages: QueueMessage<DeliveryMessage>[];
        try {
          messages = await this.receive(max);
        } finally {
          this.receiving -= expected;
        }
        if (messages.length === 0) {
          if (this.running) await this.pause(this.options.idleMs);
          continue;
        }
        for (const message of messages) this.take(message);
      } catch (error) {
        this.deps.logger?.error({ err: error }, "delivery worker: a receive failed; retrying");
        await this.pause(this.options.idleMs);
      }
    }
  }

  private take(message: QueueMessage<DeliveryMessage>): void {
    const items = message.body.items.length;
    this.inFlight += items;
    const work = this.handleMessage(message)
      .catch((error: unknown) => {
        // Left as it was on the queue: it comes back after its visibility timeout.
        this.deps.logger?.warn({ err: error }, "delivery worker: message left for a retry");
      })
      .finally(() => {
        this.inFlight -= items;
        this.inHand.delete(work);
        this.wakeAll();
      });
    this.inHand.add(work);
  }

  /** Until a message in hand is done (or `ms` pass, or the worker stops). */
  private pause(ms = this.options.idleMs): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private async receive(max: number): Promise<QueueMessage<DeliveryMessage>[]> {
    const received = await this.deps.storage.deliveryQueue.receive({
      max,
      visibilitySeconds: this.options.visibilitySeconds,
    });
    const messages: QueueMessage<DeliveryMessage>[] = [];
    for (const message of received) {
      const body = readDeliveryMessage(message.body);
      if (body) messages.push({ ...message, body });
      else {
        // Nothing in it names a delivery: kept, it would come back forever.
        this.deps.logger?.warn({ body: message.body }, "delivery worker: dropped a message that names no delivery");
        await this.deps.storage.deliveryQueue.delete(message).catch(() => undefined);
      }
    }
    if (messages.length > 0)
      this.itemsPerMessage = Math.max(
        1,
        Math.ceil(messages.reduce((n, m) => n + m.body.items.length, 0) / messages.length),
      );
    return messages;
  }

  /** Receives one batch and works through it; returns how many messages it handled. */
  async runOnce(): Promise<number> {
    const messages = await this.receive(this.options.batchSize);
    await Promise.all(messages.map((message) => this.handleMessage(message)));
    return messages.length;
  }

  private async handleMessage(message: QueueMessage<DeliveryMessage>): Promise<void> {
    const { tenantId, items } = message.body;
    const reach = await this.reachOf(tenantId, items);
    const results = await Promise.all(
      items.map(async (item): Promise<ItemResult | undefined> => {
        try {
          const result = await this.handle(message, item, reach(item));
          this.counts[result.outcome]++;
          return result;
        } catch (error) {
          // Kept on the message: it comes back after its visibility timeout, and any claim expires with it.
          this.deps.logger?.warn(
            { err: error, delivery: item.deliveryId },
            "delivery worker: delivery left for a retry",
          );
          return undefined;
        }
      }),
    );
    const left = items.flatMap((item, i) => {
      const result = results[i];
      if (result && result.retrySeconds === undefined) return [];
      // A changed row's planned copy would only fail its claim: without it, the row is read.
      const { planned, ...rest } = item;
      return [result?.rowUntouched ? item : rest];
    });
    const { deliveryQueue } = this.deps.storage;
    try {
      if (left.length === 0) {
        await deliveryQueue.delete(message);
        return;
      }
      const retrySeconds = Math.max(
        0,
        Math.min(
          ...results.map((r) => (r === undefined ? this.options.visibilitySeconds : (r.retrySeconds ?? Infinity))),
        ),
      );
      await deliveryQueue.release(message, retrySeconds, { tenantId, items: left });
    } catch (error) {
      // The message came back to another worker meanwhile (its visibility ran out): that copy carries on.
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 400) throw error;
    }
  }

  /**
   * Messages carry the person's conversation as planned; only the others need a read. Point reads, one
   * per person: an OR of row keys would be a partition scan on Azure Tables.
   */
  private async reachOf(tenantId: string, items: DeliveryItem[]): Promise<(item: DeliveryItem) => Reach | undefined> {
    const people = [...new Set(items.filter((i) => !i.conversation).map((i) => i.recipientObjectId.toLowerCase()))];
    const found = new Map<string, Reach>();
    await Promise.all(
      people.map(async (objectId) => {
        const row = await this.deps.storage.conversations.get(tenantId, objectId);
        if (row) found.set(objectId, row);
      }),
    );
    return (item) =>
      item.conversation ? { value: item.conversation } : found.get(item.recipientObjectId.toLowerCase());
  }

  private async handle(
    message: QueueMessage<DeliveryMessage>,
    item: DeliveryItem,
    conversation: Reach | undefined,
  ): Promise<ItemResult> {
    const { deliveries } = this.deps.storage;
    const { tenantId } = message.body;
    const { recipientObjectId, deliveryId, planned } = item;
    if (planned) {
      // The row as planned, unread: any change since makes the first conditional write fail, and then
      // the row is read and everything decided afresh.
      try {
        return await this.decide(tenantId, conversation, { value: planned.delivery, etag: planned.etag }, true);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
    const row = await deliveries.get(tenantId, recipientObjectId, deliveryId);
    if (!row) {
      // Deleted with its program, or never written: nothing to send.
      if (message.dequeueCount < 3) return { outcome: "waiting-for-row", retrySeconds: 10 };
      return { outcome: "dropped" };
    }
    return this.decide(tenantId, conversation, row, false);
  }

  /** The send loop for one delivery row; `optimistic` rows were not read, and a stale etag throws. */
  private async decide(
    tenantId: string,
    conversation: Reach | undefined,
    row: Versioned<Delivery>,
    optimistic: boolean,
  ): Promise<ItemResult> {
    const { deliveries } = this.deps.storage;
    const delivery = row.value;
    if (delivery.status === "cancelled") return { outcome: "cancelled" };
    if (delivery.status !== "scheduled") return { outcome: "already-done" };
    const now = Date.now();
    if (delivery.claimedUntil && Date.parse(delivery.claimedUntil) > now) {
      // Back soon: a live claim is most often a send that finishes within a second or two.
      const claimLeft = Math.ceil((Date.parse(delivery.claimedUntil) - now) / 1000) + 1;
      return { outcome: "claimed-elsewhere", retrySeconds: Math.min(claimLeft, CLAIMED_ELSEWHERE_RECHECK_SECONDS) };
    }
    if (!conversation?.value.reachable) {
      const reason = conversation?.value.unreachableReason ?? "the app is not installed for this person";
      await this.finish(row, "failed", reason);
      return { outcome: "unreachable" };
    }
    const pausedUntil = conversation.value.pausedUntil;
    if (pausedUntil && Date.parse(pausedUntil) > now) {
      await this.finish(row, "expired", `paused until ${pausedUntil}`);
      return { outcome: "expired" };
    }
    const wait = await this.waitForLimits(tenantId, conversation.value.conversationId);
    if (wait > 0) return { outcome: "requeued", retrySeconds: Math.ceil(wait / 1000), rowUntouched: true };
    const interrupted = Boolean(delivery.claimedUntil);
    let claim: Versioned<Delivery>;
    const claimedAt = Date.now();
    try {
      claim = await deliveries.save(
        {
          ...delivery,
          attempts: delivery.attempts + 1,
          claimedUntil: new Date(claimedAt + this.options.visibilitySeconds * 1000).toISOString(),
          updatedAt: new Date(claimedAt).toISOString(),
        },
        row.etag,
      );
    } catch (error) {
      if (optimistic || !(error instanceof ConcurrencyError)) throw error;
      // Another worker claimed or changed it first; this copy comes back later and finds out what happened.
      return { outcome: "claimed-elsewhere", retrySeconds: CLAIMED_ELSEWHERE_RECHECK_SECONDS };
    }
    await this.deps.hooks?.afterClaim?.(claim.value);
    return this.sendClaimed(claim, conversation, interrupted, claimedAt);
  }

  private async sendClaimed(
    claim: Versioned<Delivery>,
    conversation: Reach,
    interrupted: boolean,
    claimedAt: number,
  ): Promise<ItemResult> {
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
      return { outcome: "failed" };
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
        return { outcome: "sent" };
      } catch (error) {
        if (!(error instanceof SendFailure) && !isNetworkError(error)) throw error;
        const failure = error instanceof SendFailure ? error : new SendFailure("transient", String(error));
        const reason = `${failure.kind}${failure.status ? ` ${failure.status}` : ""}: ${failure.message}`.slice(0, 900);
        if (failure.kind === "unreachable") {
          // Teams will refuse the person's other cards too: expire them now rather than one refusal each.
          await this.markUnreachable(conversation, failure.message);
          await this.finish(claim, "failed", failure.message, attempts);
          await expirePending(this.deps.storage, tenantId, delivery.recipientObjectId, NO_END, failure.message);
          return { outcome: "unreachable" };
        }
        if (failure.kind === "permanent") {
          await this.finish(claim, "failed", reason, attempts);
          return { outcome: "failed" };
        }
        if (failure.kind === "throttled") {
          this.conversationLimiter.holdOff(conversation.value.conversationId, failure.retryAfterMs ?? 1_000);
        } else {
          attempts++;
          if (attempts >= this.options.maxAttempts) {
            await this.finish(claim, "failed", `after ${attempts} attempts: ${reason}`, attempts);
            return { outcome: "failed" };
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
          return { outcome: "requeued", retrySeconds: Math.ceil(delay / 1000) };
        }
        await sleep(delay);
        const wait = await this.waitForLimits(tenantId, conversation.value.conversationId);
        if (wait > 0) {
          await this.deps.storage.deliveries.save(
            { ...delivery, attempts, claimedUntil: null, lastError: reason },
            claim.etag,
          );
          return { outcome: "requeued", retrySeconds: Math.ceil(wait / 1000) };
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
}

/**
 * The message as this version reads it. A message of the previous form (one delivery, its fields at the
 * top) becomes a message of one item, so deliveries queued before an upgrade are still sent.
 */
function readDeliveryMessage(body: unknown): DeliveryMessage | undefined {
  const b = body as Partial<DeliveryMessage> & Partial<DeliveryItem>;
  if (typeof b?.tenantId !== "string") return undefined;
  if (Array.isArray(b.items)) {
    const items = b.items.filter((i) => typeof i?.deliveryId === "string" && typeof i.recipientObjectId === "string");
    return items.length > 0 ? { tenantId: b.tenantId, items } : undefined;
  }
  if (typeof b.deliveryId !== "string" || typeof b.recipientObjectId !== "string") return undefined;
  const { tenantId, ...item } = b as DeliveryItem & { tenantId: string };
  return { tenantId, items: [item] };
}

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "ECONNRESET" || code === "ECONNREFUSED" || code === "ETIMEDOUT" || code === "EPIPE";
}
