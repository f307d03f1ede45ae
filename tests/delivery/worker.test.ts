import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deliveryReport, expirePending, POSSIBLE_DUPLICATE, planTenant, queueCard } from "../../src/delivery/index.js";
import type { Conversation } from "../../src/domain/index.js";
import type { Messenger } from "../../src/messaging/index.js";
import { startBotConnectorSimulator } from "../support/bot-connector-simulator.js";
import { ManualClock } from "../support/manual-clock.js";
import { newTenantId } from "../support/storage.js";
import {
  conversationFor,
  drain,
  dueDeliveries,
  messengerFor,
  seedActiveProgram,
  simulatorForFile,
  storageWithOwnQueue,
  workerFor,
} from "./support.js";

const connector = simulatorForFile();

describe("DeliveryWorker", () => {
  it("sends a planned delivery once, records the message id and empties the queue", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { pilot } = await seedActiveProgram(storage, tenantId, { serviceUrl: connector.sim.serviceUrl });
    // The Tuesday 09:00 London slot is due: plan it as the planner's tick at that moment would.
    const slot = new Date("2026-09-08T08:00:00Z");
    const clock = new ManualClock(slot.getTime());
    expect((await planTenant(storage, tenantId, { clock, lookbackMs: 60_000, horizonMs: 60_000 })).planned).toBe(1);

    const worker = workerFor(storage, connector.messenger);
    await drain(worker);

    const conversation = conversationFor(tenantId, pilot.manager.objectId, connector.sim.serviceUrl);
    expect(connector.sim.accepted(conversation.conversationId)).toBe(1);
    const [row] = (
      await storage.deliveries.forRecipient(tenantId, pilot.manager.objectId, {
        from: slot,
        to: new Date("2026-09-09"),
      })
    ).items;
    expect(row?.value).toMatchObject({
      status: "sent",
      attempts: 1,
      conversationId: conversation.conversationId,
      claimedUntil: null,
      lastError: null,
    });
    expect(row?.value.activityId).toBe(connector.sim.activities(conversation.conversationId)[0]?.activityId);
    const sentCard = connector.sim.activities(conversation.conversationId)[0]?.body as {
      attachments: { content: { body: { text: string }[] } }[];
    };
    expect(sentCard.attachments[0]?.content.body.map((b) => b.text)).toContain("Count the open questions");
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
    expect(worker.counts.sent).toBe(1);
  });

  it("two workers on duplicated messages never send one delivery twice", { timeout: 180_000 }, async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 30);
    // Every delivery is on the queue three times (a replanned tick, a redelivered message …).
    for (const d of deliveries)
      for (let i = 0; i < 2; i++)
        await storage.deliveryQueue.send({
          tenantId,
          items: [{ recipientObjectId: d.recipientObjectId, deliveryId: d.id }],
        });

    // Claims last 30 s: on a loaded machine a send and its record can take far longer than usual.
    const a = workerFor(storage, connector.messenger, { batchSize: 7, visibilitySeconds: 30 });
    const b = workerFor(storage, connector.messenger, { batchSize: 7, visibilitySeconds: 30 });
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    // Copies that lost the claim race come back after a short delay and find the delivery sent; under load
    // that delay stretches, so keep draining until the queue is empty rather than sleeping a fixed time.
    for (let round = 0; round < 240 && (await storage.deliveryQueue.approximateCount()) > 0; round++) {
      await new Promise((r) => setTimeout(r, 500));
      await Promise.all([drain(a), drain(b)]);
    }

    expect(conversations.map((c) => connector.sim.accepted(c.conversationId))).toEqual(conversations.map(() => 1));
    expect(a.counts.sent + b.counts.sent).toBe(30);
    expect(a.counts.sent).toBeGreaterThan(0);
    expect(b.counts.sent).toBeGreaterThan(0);
    for (const d of deliveries) {
      const row = await storage.deliveries.get(tenantId, d.recipientObjectId, d.id);
      expect(row?.value.status).toBe("sent");
      expect(row?.value.lastError).toBeNull();
    }
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
  });

  it("works through a message of several deliveries and hands back only what is left to do", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 3, {
      oneMessage: true,
    });
    expect(await storage.deliveryQueue.approximateCount()).toBe(1);
    const [toSend, toCancel, heldElsewhere] = deliveries;
    if (!toSend || !toCancel || !heldElsewhere) throw new Error("three deliveries expected");
    const cancel = await storage.deliveries.get(tenantId, toCancel.recipientObjectId, toCancel.id);
    if (cancel) await storage.deliveries.save({ ...cancel.value, status: "cancelled" }, cancel.etag);
    // Another worker is sending this one right now: its claim is live.
    const held = await storage.deliveries.get(tenantId, heldElsewhere.recipientObjectId, heldElsewhere.id);
    if (held)
      await storage.deliveries.save(
        { ...held.value, attempts: 1, claimedUntil: new Date(Date.now() + 60_000).toISOString() },
        held.etag,
      );

    const worker = workerFor(storage, connector.messenger);
    expect(await worker.runOnce()).toBe(1);
    expect(worker.counts).toMatchObject({ sent: 1, cancelled: 1, "claimed-elsewhere": 1 });
    expect(conversations.map((c) => connector.sim.accepted(c.conversationId))).toEqual([1, 0, 0]);
    // The message is back, a little later, with the held delivery alone and without its stale planned row.
    expect(await storage.deliveryQueue.approximateCount()).toBe(1);
    let back: Awaited<ReturnType<typeof storage.deliveryQueue.receive>> = [];
    for (let i = 0; i < 240 && back.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      back = await storage.deliveryQueue.receive({ max: 1, visibilitySeconds: 30 });
    }
    expect(back[0]?.body).toEqual({
      tenantId,
      items: [{ recipientObjectId: heldElsewhere.recipientObjectId, deliveryId: heldElsewhere.id }],
    });
  });

  it("running, keeps at most maxInFlight deliveries in hand, sends each once and stops when asked", {
    timeout: 180_000,
  }, async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 24);
    let inSend = 0;
    let mostInSend = 0;
    const counting: Messenger = {
      async send(conversation, card) {
        inSend++;
        mostInSend = Math.max(mostInSend, inSend);
        try {
          return await connector.messenger.send(conversation, card);
        } finally {
          inSend--;
        }
      },
      update: (conversation, activityId, card) => connector.messenger.update(conversation, activityId, card),
    };
    const worker = workerFor(storage, counting, { lanes: 2, maxInFlight: 4, idleMs: 50 });
    worker.start();
    const sentToAll = () => conversations.every((c) => connector.sim.accepted(c.conversationId) === 1);
    for (let i = 0; i < 1_200 && !sentToAll(); i++) await new Promise((r) => setTimeout(r, 100));
    await worker.stop();

    expect(conversations.map((c) => connector.sim.accepted(c.conversationId))).toEqual(conversations.map(() => 1));
    expect(worker.counts.sent).toBe(24);
    expect(mostInSend).toBeGreaterThan(1);
    expect(mostInSend).toBeLessThanOrEqual(4);
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
  });

  it("sends a delivery queued in the previous one-delivery form, and drops a message that names none", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 1);
    const [d] = deliveries;
    if (!d) throw new Error("no delivery");
    // The queued message of the current form goes; what is left are the two older or broken ones.
    const [current] = await storage.deliveryQueue.receive({ max: 1, visibilitySeconds: 30 });
    if (current) await storage.deliveryQueue.delete(current);
    await storage.deliveryQueue.send({ tenantId, recipientObjectId: d.recipientObjectId, deliveryId: d.id } as never);
    await storage.deliveryQueue.send({ tenantId, items: [{ note: "no delivery here" }] } as never);

    const worker = workerFor(storage, connector.messenger);
    await drain(worker);
    expect(connector.sim.accepted(conversations[0]?.conversationId ?? "")).toBe(1);
    expect(worker.counts.sent).toBe(1);
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
  });

  it("drops a cancelled delivery without sending it", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 1);
    const d = deliveries[0];
    const row = d && (await storage.deliveries.get(tenantId, d.recipientObjectId, d.id));
    if (!row) throw new Error("no row");
    await storage.deliveries.save({ ...row.value, status: "cancelled" }, row.etag);

    const worker = workerFor(storage, connector.messenger);
    await drain(worker);
    expect(worker.counts.cancelled).toBe(1);
    expect(connector.sim.accepted(conversations[0]?.conversationId ?? "")).toBe(0);
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
  });

  it("on 403 marks the person unreachable and fails the delivery with the reason, with no retry", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 2);
    const [first, second] = deliveries;
    const conversationId = conversations[0]?.conversationId ?? "";
    connector.sim.uninstall(conversationId);
    // A second delivery to the same person, queued later.
    const other = { ...first, id: `${first?.id}-b` } as NonNullable<typeof first>;
    await storage.deliveries.create(other);

    const worker = workerFor(storage, connector.messenger);
    await drain(worker);
    await storage.deliveryQueue.send({
      tenantId,
      items: [{ recipientObjectId: other.recipientObjectId, deliveryId: other.id }],
    });
    await drain(worker);

    const failed = await storage.deliveries.get(tenantId, first?.recipientObjectId ?? "", first?.id ?? "");
    expect(failed?.value).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed?.value.lastError).toBe("Teams refused: ConversationBlockedByUser");
    const conversation = await storage.conversations.get(tenantId, first?.recipientObjectId ?? "");
    expect(conversation?.value.reachable).toBe(false);
    // The person's other pending delivery is expired with the same reason at once, without a call to Teams.
    const later = await storage.deliveries.get(tenantId, other.recipientObjectId, other.id);
    expect(later?.value).toMatchObject({
      status: "expired",
      attempts: 0,
      lastError: "Teams refused: ConversationBlockedByUser",
    });
    expect(connector.sim.activities(conversationId)).toHaveLength(0);
    expect(worker.counts.unreachable).toBe(1);
    // Someone else is unaffected.
    const secondRow = await storage.deliveries.get(tenantId, second?.recipientObjectId ?? "", second?.id ?? "");
    expect(secondRow?.value.status).toBe("sent");
    connector.sim.reinstall(conversationId);
  });

  it("fails a delivery for a person who never installed the bot, and expires one for a person who paused", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 2);
    const [never, paused] = deliveries;
    await storage.conversations.upsert({
      ...conversations[1],
      pausedUntil: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const row = await storage.conversations.get(tenantId, never?.recipientObjectId ?? "");
    if (!row) throw new Error("no conversation");
    await storage.conversations.save({ ...row.value, reachable: false, unreachableReason: "uninstalled" }, row.etag);

    const worker = workerFor(storage, connector.messenger);
    await drain(worker);
    expect(
      (await storage.deliveries.get(tenantId, never?.recipientObjectId ?? "", never?.id ?? ""))?.value,
    ).toMatchObject({
      status: "failed",
      lastError: "uninstalled",
    });
    const pausedRow = await storage.deliveries.get(tenantId, paused?.recipientObjectId ?? "", paused?.id ?? "");
    expect(pausedRow?.value.status).toBe("expired");
    expect(pausedRow?.value.lastError).toMatch(/^paused until /);
    expect(
      connector.sim.activities().filter((a) => conversations.some((c) => c.conversationId === a.conversationId)),
    ).toHaveLength(0);
  });

  it("with the conversation in the message: a 403 still marks the person unreachable, and a pause after planning expires what is pending", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 3, {
      carryConversation: true,
    });
    const [gone, paused, fine] = deliveries;
    const goneId = conversations[0]?.conversationId ?? "";
    connector.sim.uninstall(goneId);
    const pausedUntil = new Date(Date.now() + 86_400_000);
    expect(await expirePending(storage, tenantId, paused?.recipientObjectId ?? "", pausedUntil, "paused")).toBe(1);

    const worker = workerFor(storage, connector.messenger);
    await drain(worker);
    connector.sim.reinstall(goneId);

    const goneRow = await storage.deliveries.get(tenantId, gone?.recipientObjectId ?? "", gone?.id ?? "");
    expect(goneRow?.value.status).toBe("failed");
    expect(goneRow?.value.lastError).toBe("Teams refused: ConversationBlockedByUser");
    expect((await storage.conversations.get(tenantId, gone?.recipientObjectId ?? ""))?.value.reachable).toBe(false);
    const pausedRow = await storage.deliveries.get(tenantId, paused?.recipientObjectId ?? "", paused?.id ?? "");
    expect(pausedRow?.value).toMatchObject({ status: "expired", lastError: "paused" });
    expect(connector.sim.accepted(conversations[1]?.conversationId ?? "")).toBe(0);
    expect((await storage.deliveries.get(tenantId, fine?.recipientObjectId ?? "", fine?.id ?? ""))?.value.status).toBe(
      "sent",
    );
    expect(connector.sim.accepted(conversations[2]?.conversationId ?? "")).toBe(1);
    expect(worker.counts).toMatchObject({ sent: 1, unreachable: 1, "already-done": 1 });
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
  });

  it("retries 5xx with backoff and fails after the last attempt, with the reason", async () => {
    // Its own app id: the bot SDK caches tokens per app id, and this simulator signs with other keys.
    const faultyAppId = randomUUID();
    const faulty = await startBotConnectorSimulator({
      appId: faultyAppId,
      appPassword: connector.appPassword,
      faultRate: 1,
      seed: 7,
    });
    try {
      const storage = await storageWithOwnQueue();
      const tenantId = newTenantId();
      const { deliveries, conversations } = await dueDeliveries(storage, tenantId, faulty.serviceUrl, 1);
      const worker = workerFor(storage, messengerFor(faulty, faultyAppId, connector.appPassword), { maxAttempts: 3 });
      await drain(worker);
      const d = deliveries[0];
      const row = await storage.deliveries.get(tenantId, d?.recipientObjectId ?? "", d?.id ?? "");
      expect(row?.value.status).toBe("failed");
      expect(row?.value.attempts).toBe(3);
      expect(row?.value.lastError).toMatch(/^after 3 attempts: transient 50[023]/);
      expect(faulty.accepted(conversations[0]?.conversationId ?? "")).toBe(0);
      expect(await storage.deliveryQueue.approximateCount()).toBe(0);
    } finally {
      await faulty.close();
    }
  });

  it("recovers from a fault with one send, and marks a send after an interrupted claim as a possible duplicate", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 1);
    const d = deliveries[0];
    const row = await storage.deliveries.get(tenantId, d?.recipientObjectId ?? "", d?.id ?? "");
    if (!row) throw new Error("no row");
    // A worker claimed it and vanished: its claim has run out.
    await storage.deliveries.save(
      { ...row.value, attempts: 1, claimedUntil: new Date(Date.now() - 1000).toISOString() },
      row.etag,
    );
    const worker = workerFor(storage, connector.messenger);
    await drain(worker);
    const sent = await storage.deliveries.get(tenantId, d?.recipientObjectId ?? "", d?.id ?? "");
    expect(sent?.value).toMatchObject({ status: "sent", attempts: 2, lastError: POSSIBLE_DUPLICATE });
  });

  it("flags a duplicate only when a send may have reached Teams: not after a 500, but after a request with no answer", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 2);
    const [refused, unanswered] = conversations.map((c) => c.conversationId) as [string, string];
    // Teams answers the first with a 500 (it took nothing); it takes the second and the connection drops.
    connector.sim.failNext(refused, 500);
    connector.sim.failNext(unanswered, "drop");
    const worker = workerFor(storage, connector.messenger);
    for (let round = 0; round < 240 && worker.counts.sent < 2; round++) {
      await drain(worker);
      await new Promise((r) => setTimeout(r, 250));
    }
    const [first, second] = await Promise.all(
      deliveries.map((d) => storage.deliveries.get(tenantId, d.recipientObjectId, d.id)),
    );
    expect(first?.value).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect(connector.sim.accepted(refused)).toBe(1);
    expect(second?.value).toMatchObject({ status: "sent", attempts: 2, lastError: POSSIBLE_DUPLICATE });
    expect(connector.sim.accepted(unanswered)).toBe(2); // the flag was right: the person has it twice
    const report = await deliveryReport(storage, tenantId, "prog-1");
    expect(report.possibleDuplicates).toBe(1);
  });

  it("sends a queued card (a welcome) within the budget, retries a 429, and marks a person who blocked the bot", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const people = [randomUUID(), randomUUID(), randomUUID()];
    const conversations = people.map((p) => conversationFor(tenantId, p, connector.sim.serviceUrl));
    for (const c of conversations) await storage.conversations.upsert(c);
    const [fine, throttled, blocked] = conversations as [Conversation, Conversation, Conversation];
    connector.sim.failNext(throttled.conversationId, 429, 1);
    connector.sim.uninstall(blocked.conversationId);
    const card = { card: { type: "AdaptiveCard", version: "1.5", body: [] }, summary: "Welcome" };
    for (const c of conversations) await queueCard(storage.deliveryQueue, c, card, "welcome");

    const worker = workerFor(storage, connector.messenger);
    for (let round = 0; round < 240 && worker.counts.sent + worker.counts.unreachable < 3; round++) {
      await drain(worker);
      await new Promise((r) => setTimeout(r, 250));
    }
    connector.sim.reinstall(blocked.conversationId);
    expect(connector.sim.accepted(fine.conversationId)).toBe(1);
    expect(connector.sim.requests(throttled.conversationId)).toBe(2);
    expect(connector.sim.accepted(throttled.conversationId)).toBe(1);
    expect(connector.sim.accepted(blocked.conversationId)).toBe(0);
    expect((await storage.conversations.get(tenantId, blocked.objectId))?.value).toMatchObject({ reachable: false });
    expect(worker.counts).toMatchObject({ sent: 2, unreachable: 1 });
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
  });
});
