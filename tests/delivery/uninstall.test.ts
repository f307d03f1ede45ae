import { describe, expect, it } from "vitest";
import { chatAs, testBot } from "../bot/support/chat.js";
import { newTenantId } from "../support/storage.js";
import { drain, dueDeliveries, simulatorForFile, storageWithOwnQueue, workerFor } from "./support.js";

const connector = simulatorForFile();

describe("an uninstall stops what is queued", () => {
  it("expires the person's planned cards at once, so the queued copies (carrying the conversation) send nothing", async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 2, {
      carryConversation: true,
    });
    const [leaver, stayer] = deliveries;
    if (!leaver || !stayer) throw new Error("two deliveries expected");
    // A later card for the leaver, planned but not yet due.
    const later = { ...leaver, id: `${leaver.id}-later`, slot: new Date(Date.now() + 3_600_000).toISOString() };
    await storage.deliveries.create(later);

    const bot = testBot(storage, new Date("2026-12-03T10:00:00.000Z"));
    const chat = chatAs(bot, {
      tenantId,
      objectId: leaver.recipientObjectId,
      conversationId: conversations[0]?.conversationId,
    });
    await chat.installationUpdate("remove");

    for (const d of [leaver, later]) {
      const row = await storage.deliveries.get(tenantId, d.recipientObjectId, d.id);
      expect(row?.value).toMatchObject({ status: "expired", lastError: "removed the app on 3 Dec" });
    }
    expect((await storage.conversations.get(tenantId, leaver.recipientObjectId))?.value).toMatchObject({
      reachable: false,
      unreachableReason: "removed the app on 3 Dec",
    });

    const worker = workerFor(storage, connector.messenger);
    await drain(worker);
    expect(connector.sim.accepted(conversations[0]?.conversationId ?? "")).toBe(0);
    expect(connector.sim.accepted(conversations[1]?.conversationId ?? "")).toBe(1);
    expect((await storage.deliveries.get(tenantId, stayer.recipientObjectId, stayer.id))?.value.status).toBe("sent");
  });
});
