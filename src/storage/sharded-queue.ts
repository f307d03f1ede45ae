import type { StorageAccount } from "./storage-account.js";
import { type QueueMessage, WorkQueue } from "./work-queue.js";

/** What the app needs of a work queue, whether one Azure queue or several. */
export interface MessageQueue<T> {
  readonly name: string;
  ensure(): Promise<void>;
  send(body: T, options?: { delaySeconds?: number; ttlSeconds?: number }): Promise<string>;
  receive(options?: { max?: number; visibilitySeconds?: number }): Promise<QueueMessage<T>[]>;
  delete(message: Pick<QueueMessage<T>, "messageId" | "popReceipt" | "shard">): Promise<void>;
  release(
    message: Pick<QueueMessage<T>, "messageId" | "popReceipt" | "shard">,
    delaySeconds: number,
    body?: T,
  ): Promise<string>;
  approximateCount(): Promise<number>;
  /** For monitoring: each shard's count and the message a receive would get from it now, left in place. */
  peekShards?(): Promise<ShardPeek<T>[]>;
}

export interface ShardPeek<T> {
  shard: number;
  count: number;
  first?: { insertedOn: Date; body: T };
}

/**
 * One logical queue over N Azure queues: an Azure queue's throughput target is about 2,000 messages/s,
 * and a short queue stays quick to receive from. A message goes to the shard its key hashes to; each
 * receive starts at the next shard in turn and moves on while shards are empty. Every instance must use
 * the same shard count, or messages on the shards some instances do not know are left unread.
 */
export class ShardedQueue<T> implements MessageQueue<T> {
  private next = 0;

  constructor(
    readonly name: string,
    private readonly shards: readonly WorkQueue<T>[],
    private readonly keyOf: (body: T) => string,
  ) {
    if (shards.length === 0) throw new Error("a sharded queue needs at least one shard");
  }

  /** Shard 0 keeps the base name, so one shard is exactly the unsharded queue. */
  static open<T>(account: StorageAccount, name: string, count: number, keyOf: (body: T) => string): ShardedQueue<T> {
    const shards = Array.from(
      { length: count },
      (_, i) => new WorkQueue<T>(account.queue(i === 0 ? name : `${name}-${i}`)),
    );
    return new ShardedQueue(name, shards, keyOf);
  }

  get shardCount(): number {
    return this.shards.length;
  }

  shardOf(body: T): number {
    return fnv1a(this.keyOf(body)) % this.shards.length;
  }

  async ensure(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.ensure()));
  }

  send(body: T, options: { delaySeconds?: number; ttlSeconds?: number } = {}): Promise<string> {
    return this.shard(this.shardOf(body)).send(body, options);
  }

  async receive(options: { max?: number; visibilitySeconds?: number } = {}): Promise<QueueMessage<T>[]> {
    const start = this.next;
    this.next = (this.next + 1) % this.shards.length;
    for (let i = 0; i < this.shards.length; i++) {
      const shard = (start + i) % this.shards.length;
      const messages = await this.shard(shard).receive(options);
      if (messages.length > 0) return messages.map((m) => ({ ...m, shard }));
    }
    return [];
  }

  delete(message: Pick<QueueMessage<T>, "messageId" | "popReceipt" | "shard">): Promise<void> {
    return this.shard(message.shard ?? 0).delete(message);
  }

  release(
    message: Pick<QueueMessage<T>, "messageId" | "popReceipt" | "shard">,
    delaySeconds: number,
    body?: T,
  ): Promise<string> {
    return this.shard(message.shard ?? 0).release(message, delaySeconds, body);
  }

  async approximateCount(): Promise<number> {
    const counts = await Promise.all(this.shards.map((s) => s.approximateCount()));
    return counts.reduce((a, b) => a + b, 0);
  }

  peekShards(): Promise<ShardPeek<T>[]> {
    return Promise.all(this.shards.map(async (queue, shard) => ({ shard, ...(await queue.peekFirst()) })));
  }

  private shard(index: number): WorkQueue<T> {
    const shard = this.shards[index];
    if (!shard) throw new Error(`no queue shard ${index} (of ${this.shards.length})`);
    return shard;
  }
}

/** FNV-1a: cheap, stable across processes and versions (unlike anything seeded). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
