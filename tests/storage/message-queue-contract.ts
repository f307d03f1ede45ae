import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { MessageQueue, QueueMessage } from "../../src/storage/index.js";

export type Body = { id: string; note: string };

/**
 * What every MessageQueue must do, whatever is behind it: one set of assertions each implementation's
 * test runs with its own fresh queue (the delivery worker relies on each of these).
 */
export function messageQueueContract(makeQueue: () => Promise<MessageQueue<Body>>): void {
  it("ensure can run again; a sent message comes back whole, once, counted", async () => {
    const queue = await makeQueue();
    await queue.ensure();
    await queue.send({ id: "a", note: 'naïve <xml> & "quotes" ✓' });
    expect(await queue.approximateCount()).toBe(1);
    const [message] = await receiveSoon(queue, 1);
    expect(message?.body).toEqual({ id: "a", note: 'naïve <xml> & "quotes" ✓' });
    expect(message?.dequeueCount).toBe(1);
  });

  it("a body the size of a full delivery message comes back whole, sent and released", async () => {
    const queue = await makeQueue();
    const note = Array.from({ length: 400 }, (_, i) => `item ${i}: naïve <xml> & "quotes" ✓ ${randomUUID()}`).join(
      "\n",
    );
    await queue.send({ id: "large", note });
    const [message] = await receiveSoon(queue, 1);
    expect(message?.body).toEqual({ id: "large", note });
    if (!message) throw new Error("no message");
    await queue.release(message, 0, { id: "large", note: note.slice(0, 20_000) });
    const [again] = await receiveSoon(queue, 1);
    expect(again?.body).toEqual({ id: "large", note: note.slice(0, 20_000) });
  });

  it("hides a received message from other receivers while it is held, and deletes it for good", async () => {
    const queue = await makeQueue();
    await queue.send({ id: "held", note: "" });
    const [message] = await receiveSoon(queue, 1, 120);
    if (!message) throw new Error("no message");
    expect(await queue.receive({ max: 32, visibilitySeconds: 120 })).toEqual([]);
    await queue.delete(message);
    expect(await queue.approximateCount()).toBe(0);
  });

  it("receives at most `max` at once", async () => {
    const queue = await makeQueue();
    for (let i = 0; i < 5; i++) await queue.send({ id: `m${i}`, note: "" });
    const first = await receiveSoon(queue, 2, 120, 2);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThanOrEqual(2);
  });

  it("holds a delayed message back until its time, while counting it", async () => {
    const queue = await makeQueue();
    await queue.send({ id: "later", note: "" }, { delaySeconds: 600 });
    expect(await queue.receive({ max: 32 })).toEqual([]);
    expect(await queue.approximateCount()).toBe(1);
  });

  it("release gives a message back at once with a new body, counting the second hand-out", async () => {
    const queue = await makeQueue();
    await queue.send({ id: "r", note: "first" });
    const [first] = await receiveSoon(queue, 1, 120);
    if (!first) throw new Error("no message");
    const popReceipt = await queue.release(first, 0, { id: "r", note: "what is left" });
    expect(popReceipt).not.toBe("");
    const [again] = await receiveSoon(queue, 1, 120);
    expect(again).toMatchObject({
      messageId: first.messageId,
      dequeueCount: 2,
      body: { id: "r", note: "what is left" },
    });
  });

  it("release with a delay hides the message until then, keeping it counted", async () => {
    const queue = await makeQueue();
    await queue.send({ id: "d", note: "" });
    const [message] = await receiveSoon(queue, 1, 120);
    if (!message) throw new Error("no message");
    await queue.release(message, 600);
    expect(await queue.receive({ max: 32 })).toEqual([]);
    expect(await queue.approximateCount()).toBe(1);
  });

  it("refuses a stale pop receipt with 400 or 404 (the message moved on to another holder)", async () => {
    const queue = await makeQueue();
    await queue.send({ id: "s", note: "" });
    const [message] = await receiveSoon(queue, 1, 120);
    if (!message) throw new Error("no message");
    await queue.release(message, 0);
    const stale = await queue.delete(message).catch((e: unknown) => e);
    expect([400, 404]).toContain((stale as { statusCode?: number }).statusCode);
    const staleRelease = await queue.release(message, 0).catch((e: unknown) => e);
    expect([400, 404]).toContain((staleRelease as { statusCode?: number }).statusCode);
    expect(await queue.approximateCount()).toBe(1);
  });

  it("gives a message whose holder never came back to the next receiver once its visibility runs out", async () => {
    const queue = await makeQueue();
    await queue.send({ id: "v", note: "" });
    const [first] = await receiveSoon(queue, 1, 1);
    expect(first?.dequeueCount).toBe(1);
    const [again] = await receiveSoon(queue, 1, 120);
    expect(again).toMatchObject({ messageId: first?.messageId, dequeueCount: 2 });
  }, 120_000);
}

/** Receives until something comes (or a generous minute passes): a visible message may take a moment to show. */
async function receiveSoon(
  queue: MessageQueue<Body>,
  max: number,
  visibilitySeconds = 30,
  atLeast = 1,
): Promise<QueueMessage<Body>[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const messages = await queue.receive({ max, visibilitySeconds });
    if (messages.length >= atLeast || Date.now() > deadline) return messages;
    await new Promise((r) => setTimeout(r, 200));
  }
}
