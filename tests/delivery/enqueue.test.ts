import { describe, expect, it } from "vitest";
import { DeliveryEnqueuer } from "../../src/delivery/index.js";
import { type DeliveryItem, MAX_ITEMS_PER_DELIVERY_MESSAGE } from "../../src/storage/index.js";
import { newTenantId } from "../support/storage.js";
import { storageWithOwnQueue } from "./support.js";

describe("DeliveryEnqueuer", () => {
  it("queues deliveries due in the same second together, a message's worth at a time, hidden until due", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const now = Date.now();
    const enqueuer = new DeliveryEnqueuer(storage.deliveryQueue, tenantId, () => now);
    const item = (i: number) => ({ recipientObjectId: `person-${i}`, deliveryId: `delivery-${i}` });
    const full = MAX_ITEMS_PER_DELIVERY_MESSAGE;
    for (let i = 0; i < 2 * full + 5; i++) await enqueuer.add({ item: item(i), dueAt: new Date(now) });
    // Two full messages went as they filled; the rest waits for the flush.
    expect(await storage.deliveryQueue.approximateCount()).toBe(2);
    await enqueuer.add({ item: item(999), dueAt: new Date(now + 3_600_000) });
    await enqueuer.flush();
    expect(enqueuer.sent).toBe(2 * full + 6);
    expect(await storage.deliveryQueue.approximateCount()).toBe(4);

    const visible = [];
    for (let round = 0; round < 5; round++)
      visible.push(...(await storage.deliveryQueue.receive({ max: 32, visibilitySeconds: 30 })));
    const sizes = visible.map((m) => m.body.items.length).sort((a, b) => b - a);
    expect(sizes).toEqual([full, full, 5]);
    const ids = visible.flatMap((m) => m.body.items.map((i) => (i as DeliveryItem).deliveryId));
    expect(new Set(ids).size).toBe(2 * full + 5);
    expect(ids).not.toContain("delivery-999");
    expect(visible.every((m) => m.body.tenantId === tenantId)).toBe(true);
  });
});
