import { randomUUID } from "node:crypto";
import { QueueClient } from "@azure/storage-queue";
import { describe, expect, it } from "vitest";
import { WorkQueue } from "../../src/storage/index.js";
import { testStorageTarget } from "../support/storage.js";

function freshQueue() {
  const client = new QueueClient(testStorageTarget().connectionString, `test-${randomUUID().slice(0, 8)}`);
  return new WorkQueue<{ deliveryId: string; note: string }>(client);
}

describe("WorkQueue over Azure Queue Storage", () => {
  it("round-trips typed messages, hides a received one from other consumers, and deletes it", async () => {
    const queue = freshQueue();
    await queue.ensure();
    await queue.ensure();
    await queue.send({ deliveryId: "d1", note: 'naïve <xml> & "quotes"' });

    const [message] = await queue.receive({ max: 1, visibilitySeconds: 30 });
    expect(message?.body).toEqual({ deliveryId: "d1", note: 'naïve <xml> & "quotes"' });
    expect(message?.dequeueCount).toBe(1);
    expect(await queue.receive({ max: 1 })).toEqual([]);

    if (!message) throw new Error("no message");
    await queue.delete(message);
    expect(await queue.approximateCount()).toBe(0);
  });

  it("gives a released message back after its delay, counting the second hand-out", async () => {
    const queue = freshQueue();
    await queue.ensure();
    await queue.send({ deliveryId: "d2", note: "" });
    const [first] = await queue.receive({ max: 1, visibilitySeconds: 30 });
    if (!first) throw new Error("no message");
    await queue.release(first, 0);
    const [again] = await queue.receive({ max: 1, visibilitySeconds: 30 });
    expect(again?.body.deliveryId).toBe("d2");
    expect(again?.dequeueCount).toBe(2);
  });

  it("holds a delayed message back until its time", async () => {
    const queue = freshQueue();
    await queue.ensure();
    await queue.send({ deliveryId: "later", note: "" }, { delaySeconds: 60 });
    expect(await queue.receive({ max: 1 })).toEqual([]);
    expect(await queue.approximateCount()).toBe(1);
  });
});
