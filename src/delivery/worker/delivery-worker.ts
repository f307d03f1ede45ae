import { setMaxListeners } from "node:events";
import type { Logger } from "../../logger.js";
import type { DeliveryCardRenderer, Messenger } from "../../messaging/index.js";
import type { DeliveryItem, DeliveryMessage, QueueMessage, Storage } from "../../storage/index.js";
import { type Clock, systemClock } from "../clock.js";
import { ContentCache } from "../content-cache.js";
import type { ConversationLimiter } from "../conversation-limiter.js";
import { TeamsBudget } from "../teams-budget.js";
import type { TenantRateLimiter } from "../tenant-rate-limiter.js";
import { defaultRetryPolicy } from "./failure-policy.js";
import { Lanes } from "./lanes.js";
import { dispose, dispositionOf, isCardItem, readDeliveryMessage } from "./message-disposition.js";
import { emptyCounts, type ItemResult, type Outcome } from "./outcomes.js";
import { reachOf } from "./reach.js";
import { sendCard } from "./send-card.js";
import { DeliverySender, type WorkerHooks } from "./send-delivery.js";

export interface DeliveryWorkerOptions {
  /** Names this instance in logs. */
  instanceId: string;
  /** Queue messages taken at once (at most 32); each carries one or more deliveries. */
  batchSize?: number;
  /** Receive loops in this instance. */
  lanes?: number;
  /** Items this instance works on at once; a lane receives more only when there is room. */
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
  /** A wait for the rate limits or a retry longer than this hands the item back to the queue instead. */
  maxInlineWaitMs?: number;
}

export interface WorkerDeps {
  storage: Pick<Storage, "deliveries" | "conversations" | "deliveryQueue" | "programs" | "teams" | "assets">;
  messenger: Messenger;
  render: DeliveryCardRenderer;
  tenantLimiter: TenantRateLimiter;
  conversationLimiter?: ConversationLimiter;
  clock?: Clock;
  logger?: Logger;
  hooks?: WorkerHooks;
  /** Told of every item's outcome, e.g. for metrics. */
  onOutcome?(outcome: Outcome, tenantId: string): void;
}

/**
 * Takes deliveries (and queued cards) off the queue and sends them, in every instance at once (competing
 * consumers): the lanes receive, each item goes to its sender, and the message is then deleted or handed
 * back holding what is left (`dispositionOf`).
 */
export class DeliveryWorker {
  readonly counts: Record<Outcome, number> = emptyCounts();
  private readonly options: Required<DeliveryWorkerOptions>;
  private readonly clock: Clock;
  private readonly budget: TeamsBudget;
  private readonly sender: DeliverySender;
  private stopping = new AbortController();
  private lanes: Lanes | undefined;

  constructor(
    private readonly deps: WorkerDeps,
    options: DeliveryWorkerOptions,
  ) {
    this.options = {
      batchSize: 32,
      lanes: 2,
      maxInFlight: 256,
      visibilitySeconds: 60,
      maxAttempts: defaultRetryPolicy.maxAttempts,
      idleMs: 1_000,
      backoffBaseMs: defaultRetryPolicy.backoffBaseMs,
      backoffCapMs: defaultRetryPolicy.backoffCapMs,
      maxInlineWaitMs: 10_000,
      ...options,
    };
    this.clock = deps.clock ?? systemClock;
    this.budget = new TeamsBudget(deps.tenantLimiter, this.clock, deps.conversationLimiter);
    this.sender = new DeliverySender({
      storage: deps.storage,
      content: new ContentCache(deps.storage),
      render: deps.render,
      messenger: deps.messenger,
      budget: this.budget,
      clock: this.clock,
      policy: this.policy,
      claimMs: this.options.visibilitySeconds * 1000,
      maxInlineWaitMs: this.options.maxInlineWaitMs,
      hooks: deps.hooks,
      logger: deps.logger,
    });
  }

  private get policy() {
    const { maxAttempts, backoffBaseMs, backoffCapMs } = this.options;
    return { maxAttempts, backoffBaseMs, backoffCapMs };
  }

  start(): void {
    if (this.lanes) return;
    this.stopping = new AbortController();
    // Every wait of every item in hand listens for the stop: hundreds at once is the normal case.
    setMaxListeners(0, this.stopping.signal);
    this.lanes = new Lanes(
      (max) => this.receive(max),
      (message) => this.handleMessage(message),
      this.options,
      this.clock,
      this.deps.logger,
    );
    this.lanes.start(this.stopping.signal);
  }

  /**
   * Stops taking messages, ends every wait at once and hands back what this instance holds: items not yet
   * sent go back on the queue, visible at once, and claims not yet used are released. Sends already on the
   * wire finish and are recorded. Resolves when nothing is in hand.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.lanes?.settled();
    this.lanes = undefined;
  }

  /** Receives one batch and works through it; returns how many messages it handled. */
  async runOnce(): Promise<number> {
    const messages = await this.receive(this.options.batchSize);
    await Promise.all(messages.map((message) => this.handleMessage(message)));
    return messages.length;
  }

  private async receive(max: number): Promise<QueueMessage<DeliveryMessage>[]> {
    const queue = this.deps.storage.deliveryQueue;
    const received = await queue.receive({ max, visibilitySeconds: this.options.visibilitySeconds });
    const messages: QueueMessage<DeliveryMessage>[] = [];
    for (const message of received) {
      const body = readDeliveryMessage(message.body);
      if (body) messages.push({ ...message, body });
      else {
        // Nothing in it can be acted on: kept, it would come back forever.
        this.deps.logger?.warn({ body: message.body }, "delivery worker: dropped a message that names no delivery");
        await queue.delete(message).catch(() => undefined);
      }
    }
    return messages;
  }

  private async handleMessage(message: QueueMessage<DeliveryMessage>): Promise<void> {
    const { tenantId, items } = message.body;
    const signal = this.stopping.signal;
    const deliveries = items.filter((i): i is DeliveryItem => !isCardItem(i));
    const reach = await reachOf(this.deps.storage, tenantId, deliveries);
    const results = await Promise.all(
      items.map(async (item): Promise<ItemResult | undefined> => {
        try {
          const result = isCardItem(item)
            ? await sendCard(this.cardDeps(), tenantId, item, signal)
            : await this.sender.handle(tenantId, item, reach(item), message.dequeueCount, signal);
          this.counts[result.outcome]++;
          this.deps.onOutcome?.(result.outcome, tenantId);
          return result;
        } catch (error) {
          // Kept on the message: it comes back after its visibility timeout, and any claim expires with it.
          this.deps.logger?.warn({ err: error, tenantId }, "delivery worker: item left for a retry");
          return undefined;
        }
      }),
    );
    await dispose(
      this.deps.storage.deliveryQueue,
      message,
      dispositionOf(message.body, results, this.options.visibilitySeconds),
    );
  }

  private cardDeps() {
    return {
      storage: this.deps.storage,
      messenger: this.deps.messenger,
      budget: this.budget,
      clock: this.clock,
      policy: this.policy,
      maxInlineWaitMs: this.options.maxInlineWaitMs,
      logger: this.deps.logger,
    };
  }
}
