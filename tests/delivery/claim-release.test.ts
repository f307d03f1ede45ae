import { describe, expect, it } from "vitest";
import { renderDeliveryCard } from "../../bot/index.js";
import { ContentCache } from "../../src/delivery/content-cache.js";
import { POSSIBLE_DUPLICATE, TeamsBudget, TenantRateLimiter } from "../../src/delivery/index.js";
import { defaultRetryPolicy } from "../../src/delivery/worker/failure-policy.js";
import { DeliverySender } from "../../src/delivery/worker/send-delivery.js";
import { newTenantId } from "../support/storage.js";
import { conversationFor, dueDeliveries, simulatorForFile, storageWithOwnQueue } from "./support.js";

const connector = simulatorForFile();

/**
 * The tenant's limits as the sender meets them when the machine stalls past a slot and the tenant's rate row then
 * does not answer: the first slot has passed its grace by the time the claim is written, and asking for another
 * fails as storage does when it times out.
 */
class StalledBudget extends TeamsBudget {
  places = 0;
  override async place(tenantId: string, conversationId: string, deadline: number, signal?: AbortSignal) {
    this.places++;
    if (this.places > 1) throw Object.assign(new Error("the call timed out"), { name: "TimeoutError" });
    const place = await super.place(tenantId, conversationId, deadline, signal);
    return "at" in place ? { at: place.at - this.tenants.graceMs - 1_000 } : place;
  }
}

describe("a claim with no send behind it", () => {
  it("is given back when something fails before the send, so the card goes later once and is not flagged as a possible duplicate", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 1);
    const delivery = deliveries[0];
    if (!delivery) throw new Error("no delivery");
    const conversation = conversationFor(tenantId, delivery.recipientObjectId, connector.sim.serviceUrl);
    const reach = { value: conversation, etag: "*" };
    const senderWith = (budget: TeamsBudget) =>
      new DeliverySender({
        storage,
        content: new ContentCache(storage),
        render: renderDeliveryCard,
        messenger: connector.messenger,
        budget,
        clock: budget.clock,
        policy: defaultRetryPolicy,
        claimMs: 30_000,
        maxInlineWaitMs: 10_000,
      });
    const limiter = new TenantRateLimiter(storage.coordination, { perSecond: 50 });
    const item = { recipientObjectId: delivery.recipientObjectId, deliveryId: delivery.id };

    const stalled = new StalledBudget(limiter);
    await expect(senderWith(stalled).handle(tenantId, item, reach, 1, new AbortController().signal)).rejects.toThrow(
      "timed out",
    );
    expect(stalled.places).toBe(2);
    const released = await storage.deliveries.get(tenantId, delivery.recipientObjectId, delivery.id);
    expect(released?.value).toMatchObject({ status: "scheduled", attempts: 0, claimId: null, claimedUntil: null });
    expect(connector.sim.accepted(conversation.conversationId)).toBe(0);

    const result = await senderWith(new TeamsBudget(limiter)).handle(
      tenantId,
      item,
      reach,
      2,
      new AbortController().signal,
    );
    expect(result.outcome).toBe("sent");
    const sent = await storage.deliveries.get(tenantId, delivery.recipientObjectId, delivery.id);
    expect(sent?.value).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(sent?.value.lastError).not.toBe(POSSIBLE_DUPLICATE);
    expect(connector.sim.accepted(conversation.conversationId)).toBe(1);
  });
});
