import { describe, expect, it } from "vitest";
import { planTenant } from "../../src/delivery/index.js";
import type { DeliveryItem } from "../../src/storage/index.js";
import { newTenantId } from "../support/storage.js";
import { seedActiveProgram, storageWithOwnQueue } from "./support.js";

const options = { now: new Date("2026-09-07T00:00:00Z"), lookbackMs: 600_000, horizonMs: 14 * 86_400_000 };

describe("planTenant", () => {
  it("writes each due delivery once and queues it once, however often it runs", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { pilot, comparison } = await seedActiveProgram(storage, tenantId);

    const first = await planTenant(storage, tenantId, options);
    expect(first.planned).toBe(2); // two Tuesdays for the pilot manager
    const second = await planTenant(storage, tenantId, options);
    expect(second.planned).toBe(0);
    expect(await storage.deliveryQueue.approximateCount()).toBe(2);

    const range = { from: new Date("2026-09-01"), to: new Date("2026-10-01") };
    const rows = await storage.deliveries.forRecipient(tenantId, pilot.manager.objectId, range);
    expect(rows.items.map((r) => r.value.slot)).toEqual(["2026-09-08T08:00:00.000Z", "2026-09-15T08:00:00.000Z"]);
    expect((await storage.deliveries.forRecipient(tenantId, comparison.manager.objectId, range)).items).toEqual([]);

    // A longer horizon later adds only the new week.
    const later = await planTenant(storage, tenantId, { ...options, horizonMs: 21 * 86_400_000 });
    expect(later.planned).toBe(1);
    expect(await storage.deliveryQueue.approximateCount()).toBe(3);
  });

  it("plans nothing for a tenant without an active program", async () => {
    const storage = await storageWithOwnQueue();
    expect(await planTenant(storage, newTenantId(), options)).toEqual({ recipients: 0, planned: 0 });
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
  });
});

describe("planTenant: rows that were written but never queued", () => {
  it("queues a scheduled row again once it is well overdue and untouched, and leaves recent ones alone", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    await seedActiveProgram(storage, tenantId);
    const tick = { now: new Date("2026-09-08T08:00:00Z"), lookbackMs: 60_000, horizonMs: 60_000 };
    expect((await planTenant(storage, tenantId, tick)).planned).toBe(1);
    // The tick died after writing the row: its message never reached the queue.
    const [message] = await storage.deliveryQueue.receive({ max: 1, visibilitySeconds: 5 });
    if (!message) throw new Error("no message");
    await storage.deliveryQueue.delete(message);

    await planTenant(storage, tenantId, { ...tick, now: new Date("2026-09-08T08:10:00Z"), lookbackMs: 3_600_000 });
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
    await planTenant(storage, tenantId, { ...tick, now: new Date("2026-09-08T08:20:00Z"), lookbackMs: 3_600_000 });
    const [again] = await storage.deliveryQueue.receive({ max: 2, visibilitySeconds: 5 });
    expect(again?.body).toEqual({
      tenantId,
      items: [
        {
          recipientObjectId: (message.body.items[0] as DeliveryItem).recipientObjectId,
          deliveryId: (message.body.items[0] as DeliveryItem).deliveryId,
        },
      ],
    });
  });
});
