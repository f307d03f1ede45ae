import type { Logger } from "../../logger.js";
import { type DeliveryMessage, MAX_ITEMS_PER_DELIVERY_MESSAGE, type QueueMessage } from "../../storage/index.js";
import type { Clock } from "../clock.js";

export interface LaneOptions {
  /** Receive loops in this instance. */
  lanes: number;
  /** Queue messages taken at once (at most 32). */
  batchSize: number;
  /** Items this instance works on at once; a lane receives more only when there is room. */
  maxInFlight: number;
  /** Wait when the queue is empty. */
  idleMs: number;
}

/**
 * The receive loops of one instance: each keeps receiving while the instance holds fewer than
 * `maxInFlight` items, so one slow send never holds up the messages beside it. A message is handed to
 * `work` and counted until its promise settles.
 */
export class Lanes {
  private loops: Promise<void>[] = [];
  private readonly inHand = new Set<Promise<void>>();
  private inFlight = 0;
  /** Room held by receives under way, so lanes receiving at once do not overfill it. */
  private receiving = 0;
  /** Items per message lately: how many messages fit the room left. */
  private itemsPerMessage = MAX_ITEMS_PER_DELIVERY_MESSAGE;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly receive: (max: number) => Promise<QueueMessage<DeliveryMessage>[]>,
    private readonly work: (message: QueueMessage<DeliveryMessage>) => Promise<void>,
    private readonly options: LaneOptions,
    private readonly clock: Clock,
    private readonly logger?: Pick<Logger, "error" | "warn">,
  ) {}

  start(signal: AbortSignal): void {
    signal.addEventListener("abort", () => this.wakeAll(), { once: true });
    this.loops = Array.from({ length: this.options.lanes }, () => this.loop(signal));
  }

  /** Resolves once the loops have stopped and every message in hand is settled. */
  async settled(): Promise<void> {
    await Promise.all(this.loops);
    while (this.inHand.size > 0) await Promise.all(this.inHand);
    this.loops = [];
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const room = this.options.maxInFlight - this.inFlight - this.receiving;
        // With nothing in hand, one message is taken whatever its size, so a small limit cannot stall.
        if (room < this.itemsPerMessage && this.inFlight + this.receiving > 0) {
          await this.pause(this.options.idleMs, signal);
          continue;
        }
        const max = Math.min(this.options.batchSize, Math.max(1, Math.floor(room / this.itemsPerMessage)));
        const expected = max * this.itemsPerMessage;
        this.receiving += expected;
        let messages: QueueMessage<DeliveryMessage>[];
        try {
          messages = await this.receive(max);
        } finally {
          this.receiving -= expected;
        }
        if (messages.length > 0) {
          const items = messages.reduce((n, m) => n + m.body.items.length, 0);
          this.itemsPerMessage = Math.max(1, Math.ceil(items / messages.length));
          for (const message of messages) this.take(message);
        } else await this.pause(this.options.idleMs, signal);
      } catch (error) {
        this.logger?.error({ err: error }, "delivery worker: a receive failed; retrying");
        await this.pause(this.options.idleMs, signal);
      }
    }
  }

  private take(message: QueueMessage<DeliveryMessage>): void {
    const items = message.body.items.length;
    this.inFlight += items;
    const work = this.work(message)
      .catch((error: unknown) => {
        // Left as it was on the queue: it comes back after its visibility timeout.
        this.logger?.warn({ err: error }, "delivery worker: message left for a retry");
      })
      .finally(() => {
        this.inFlight -= items;
        this.inHand.delete(work);
        this.wakeAll();
      });
    this.inHand.add(work);
  }

  /** Until a message in hand is done, `ms` pass, or the instance stops. */
  private pause(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    const stop = new AbortController();
    const wake = () => stop.abort();
    this.wakers.add(wake);
    return this.clock.sleep(ms, stop.signal).finally(() => this.wakers.delete(wake));
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
