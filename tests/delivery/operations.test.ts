import { describe, expect, it } from "vitest";
import { cancelPending, deliveryReport, resendFailed } from "../../src/delivery/index.js";
import { newTenantId } from "../support/storage.js";
import { drain, dueDeliveries, simulatorForFile, storageWithOwnQueue, workerFor } from "./support.js";

const connector = simulatorForFile();

describe("delivery operations", () => {
  it("reports counts by state and failures with reasons; resending the failed sends them once", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 4);
    const blocked = conversations[0]?.conversationId ?? "";
    connector.sim.uninstall(blocked);
    await drain(workerFor(storage, connector.messenger));

    const report = await deliveryReport(storage, tenantId, "prog-1");
    expect(report.counts).toMatchObject({ sent: 3, failed: 1, scheduled: 0 });
    expect(report.total).toBe(4);
    expect(report.failures).toEqual([
      expect.objectContaining({
        deliveryId: deliveries[0]?.id,
        attempts: 1,
        reason: "Teams refused: ConversationBlockedByUser",
      }),
    ]);
    expect(report.possibleDuplicates).toBe(0);

    // The person re-installs the bot; the admin resends to failed.
    connector.sim.reinstall(blocked);
    const conversation = await storage.conversations.get(tenantId, deliveries[0]?.recipientObjectId ?? "");
    if (!conversation) throw new Error("no conversation");
    await storage.conversations.save(
      { ...conversation.value, reachable: true, unreachableReason: null },
      conversation.etag,
    );
    expect(await resendFailed(storage, tenantId, "prog-1")).toEqual({ requeued: 1 });
    expect((await deliveryReport(storage, tenantId, "prog-1")).counts).toMatchObject({ scheduled: 1, failed: 0 });
    // The resent delivery's message shows after a short delay: drain until it is sent (a generous minute).
    const worker = workerFor(storage, connector.messenger);
    for (let i = 0; i < 240 && (await deliveryReport(storage, tenantId, "prog-1")).counts.sent < 4; i++) {
      await drain(worker);
      await new Promise((r) => setTimeout(r, 250));
    }

    expect((await deliveryReport(storage, tenantId, "prog-1")).counts).toMatchObject({ sent: 4, failed: 0 });
    expect(conversations.map((c) => connector.sim.accepted(c.conversationId))).toEqual([1, 1, 1, 1]);
    // Nothing failed is left: a second resend does nothing.
    expect(await resendFailed(storage, tenantId, "prog-1")).toEqual({ requeued: 0 });
  });

  it("cancels pending deliveries, leaves one being sent right now, and the worker then sends nothing cancelled", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 3);
    const d = deliveries[2];
    const row = await storage.deliveries.get(tenantId, d?.recipientObjectId ?? "", d?.id ?? "");
    if (!row) throw new Error("no row");
    await storage.deliveries.save(
      { ...row.value, claimedUntil: new Date(Date.now() + 60_000).toISOString() },
      row.etag,
    );

    expect(await cancelPending(storage, tenantId, "prog-1")).toEqual({ cancelled: 2, inFlight: 1 });
    const worker = workerFor(storage, connector.messenger);
    await drain(worker);
    expect(worker.counts.cancelled).toBe(2);
    expect(conversations.slice(0, 2).map((c) => connector.sim.accepted(c.conversationId))).toEqual([0, 0]);
    const report = await deliveryReport(storage, tenantId, "prog-1");
    expect(report.counts).toMatchObject({ cancelled: 2, scheduled: 1 });
  });

  it("reports nothing for another tenant's program", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 1);
    const report = await deliveryReport(storage, newTenantId(), "prog-1");
    expect(report.total).toBe(0);
    expect(await cancelPending(storage, newTenantId(), "prog-1")).toEqual({ cancelled: 0, inFlight: 0 });
    expect((await deliveryReport(storage, tenantId, "prog-1")).counts.scheduled).toBe(1);
  });
});
