import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Delivery } from "../../src/domain/index.js";
import { aDelivery } from "../support/fixtures.js";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

let api: Api;
let world: World;
let admin: string;
let manager: string;

beforeAll(async () => {
  api = await startApi();
  world = await seedWorld(api, { programStatus: "active" });
  admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
  manager = await api.entra.token({ tenantId: world.tenantId, objectId: world.manager.objectId });
});
afterAll(() => api.stop());

function delivery(recipientObjectId: string, slot: string, overrides: Partial<Delivery> = {}): Delivery {
  return aDelivery(world.tenantId, recipientObjectId, slot, overrides);
}

describe("/programs/{programId}/deliveries", () => {
  it("reports, resends failed and cancels pending for an admin of the tenant", async () => {
    const who = world.manager.objectId;
    await api.storage.deliveries.create(delivery(who, "2026-11-17T09:00:00.000Z", { status: "sent", attempts: 1 }));
    await api.storage.deliveries.create(
      delivery(who, "2026-11-10T09:00:00.000Z", {
        status: "failed",
        attempts: 5,
        lastError: "after 5 attempts: transient 503",
      }),
    );
    await api.storage.deliveries.create(delivery(who, "2026-11-24T09:00:00.000Z"));

    const report = await api.call("GET", "/api/v1/programs/prog-1/deliveries", { token: admin });
    expect(report.status).toBe(200);
    expect(report.body.counts).toMatchObject({ sent: 1, failed: 1, scheduled: 1 });
    expect(report.body.failures).toEqual([
      expect.objectContaining({ recipientObjectId: who, reason: "after 5 attempts: transient 503", attempts: 5 }),
    ]);

    const cancelled = await api.call("POST", "/api/v1/programs/prog-1/deliveries/cancel-pending", { token: admin });
    expect(cancelled.body).toEqual({ cancelled: 1, inFlight: 0 });
    const resent = await api.call("POST", "/api/v1/programs/prog-1/deliveries/resend-failed", { token: admin });
    expect(resent.body).toEqual({ requeued: 1 });

    const after = await api.call("GET", "/api/v1/programs/prog-1/deliveries", { token: admin });
    expect(after.body.counts).toMatchObject({ sent: 1, failed: 0, scheduled: 1, cancelled: 1 });
  });

  it("refuses a manager, a caller without a token, and a program of no tenant of theirs", async () => {
    expect((await api.call("GET", "/api/v1/programs/prog-1/deliveries", { token: manager })).status).toBe(403);
    expect(
      (await api.call("POST", "/api/v1/programs/prog-1/deliveries/cancel-pending", { token: manager })).status,
    ).toBe(403);
    expect((await api.call("GET", "/api/v1/programs/prog-1/deliveries")).status).toBe(401);
    const other = await seedWorld(api);
    const otherAdmin = await api.entra.token({ tenantId: other.tenantId, objectId: other.admin.objectId });
    // Another tenant's admin reaches only their own tenant's "prog-1", never this one's deliveries.
    const theirs = await api.call("GET", "/api/v1/programs/prog-1/deliveries", { token: otherAdmin });
    expect(theirs.body.total).toBe(0);
    expect((await api.call("GET", "/api/v1/programs/nope/deliveries", { token: admin })).status).toBe(404);
  });
});
