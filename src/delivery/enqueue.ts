import {
  type DeliveryItem,
  type DeliveryMessage,
  MAX_ITEMS_PER_DELIVERY_MESSAGE,
  type MessageQueue,
} from "../storage/index.js";

/** Azure hides a message for at most 7 days (kept a minute under); the planner's horizon is far shorter. */
const MAX_DELAY_SECONDS = 7 * 86_400 - 60;

export interface DueItem {
  item: DeliveryItem;
  /** When the delivery falls due. */
  dueAt: Date;
}

/**
 * Puts deliveries on the queue, those due in the same second together, up to a message's worth each.
 * `flush` sends what is gathered; `add` sends a message as soon as one is full, so a crash loses at most
 * the part-filled ones (their rows are found and queued again once overdue).
 */
export class DeliveryEnqueuer {
  private readonly pending = new Map<number, DeliveryItem[]>();
  /** The latest due time (ms) of each second's items: the message shows no earlier. */
  private readonly latest = new Map<number, number>();
  sent = 0;

  constructor(
    private readonly queue: Pick<MessageQueue<DeliveryMessage>, "send">,
    private readonly tenantId: string,
    private readonly now: () => number = Date.now,
    private readonly perMessage = MAX_ITEMS_PER_DELIVERY_MESSAGE,
  ) {}

  async add(due: DueItem): Promise<void> {
    const second = Math.ceil(due.dueAt.getTime() / 1000);
    const items = this.pending.get(second) ?? [];
    items.push(due.item);
    this.pending.set(second, items);
    this.latest.set(second, Math.max(this.latest.get(second) ?? 0, due.dueAt.getTime()));
    if (items.length >= this.perMessage) {
      this.pending.delete(second);
      await this.send(second, items);
    }
  }

  async flush(): Promise<void> {
    const all = [...this.pending];
    this.pending.clear();
    await Promise.all(all.map(([second, items]) => this.send(second, items)));
  }

  private async send(second: number, items: DeliveryItem[]): Promise<void> {
    // Rounded up from now to the latest item's due time, so the message never shows before any of them is due
    // (a card never goes before its minute).
    const latest = this.latest.get(second) ?? second * 1000;
    if (!this.pending.has(second)) this.latest.delete(second);
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((latest - this.now()) / 1000)));
    await this.queue.send({ tenantId: this.tenantId, items }, { delaySeconds });
    this.sent += items.length;
  }
}
