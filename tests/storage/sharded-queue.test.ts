import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ShardedQueue, storageAccount } from "../../src/storage/index.js";
import { testStorageTarget } from "../support/storage.js";

type Body = { person: string; n: number };

async function freshQueue(shards: number) {
  const name = `sharded-${randomUUID().slice(0, 8)}`;
  const queue = ShardedQueue.open<Body>(storageAccount(testStorageTarget()), name, shards, (b) => b.person);
  await queue.ensure();
  return queue;
}

describe("ShardedQueue over several Azure queues", () => {
  it("keeps one key on one shard, spreads keys over all shards, and receives from every shard in turn", async () => {
    const queue = await freshQueue(4);
    const people = Array.from({ length: 40 }, (_, i) => `person-${i}`);
    for (const person of people) for (const n of [1, 2]) await queue.send({ person, n });
    expect(await queue.approximateCount()).toBe(80);
    expect(new Set(people.map((person) => queue.shardOf({ person, n: 0 }))).size).toBe(4);

    const seen: Body[] = [];
    const shardsSeen = new Set<number>();
    for (;;) {
      const batch = await queue.receive({ max: 7, visibilitySeconds: 30 });
      if (batch.length === 0) break;
      for (const m of batch) {
        expect(m.shard).toBe(queue.shardOf(m.body));
        shardsSeen.add(m.shard ?? -1);
        seen.push(m.body);
        await queue.delete(m);
      }
    }
    expect(seen).toHaveLength(80);
    expect(new Set(seen.map((b) => `${b.person}/${b.n}`)).size).toBe(80);
    expect([...shardsSeen].sort()).toEqual([0, 1, 2, 3]);
    expect(await queue.approximateCount()).toBe(0);
  });

  it("releases a message back to its own shard", async () => {
    const queue = await freshQueue(3);
    await queue.send({ person: "p", n: 1 });
    const [message] = await queue.receive({ max: 1, visibilitySeconds: 30 });
    if (!message) throw new Error("no message");
    const popReceipt = await queue.release(message, 0);
    const [again] = await queue.receive({ max: 1, visibilitySeconds: 30 });
    expect(again).toMatchObject({ messageId: message.messageId, shard: message.shard, dequeueCount: 2 });
    expect(popReceipt).not.toBe("");
    if (again) await queue.delete(again);
    expect(await queue.approximateCount()).toBe(0);
  });

  it("with one shard is the plain queue of that name; refuses zero shards", async () => {
    const queue = await freshQueue(1);
    await queue.send({ person: "p", n: 1 });
    expect(queue.shardOf({ person: "anyone", n: 0 })).toBe(0);
    expect(() => new ShardedQueue<Body>("none", [], (b) => b.person)).toThrow(/at least one shard/);
  });
});
