import { randomBytes, randomUUID } from "node:crypto";
import { QueueClient } from "@azure/storage-queue";
import { describe, expect, it } from "vitest";
import { parseDelivery } from "../../src/domain/index.js";
import { decodeMessage, encodeMessage, MAX_ITEMS_PER_DELIVERY_MESSAGE, WorkQueue } from "../../src/storage/index.js";
import { aDelivery } from "../support/fixtures.js";
import { testStorageTarget } from "../support/storage.js";

/** Twenty items as the planner queues them: the same program, asset and service URL, each person's own ids. */
function deliveryMessage() {
  return {
    tenantId: randomUUID(),
    items: Array.from({ length: 20 }, () => {
      const objectId = randomUUID();
      return {
        recipientObjectId: objectId,
        deliveryId: `20261202T081700Z-${randomUUID()}`,
        planned: {
          etag: `W/"datetime'2026-12-02T08%3A15%3A31.${Math.floor(Math.random() * 1e7)}Z'"`,
          delivery: {
            programId: "discovery-that-wins",
            assetId: "open-questions",
            teamId: "team-7",
            status: "scheduled",
          },
        },
        conversation: { conversationId: `a:1${randomUUID()}`, serviceUrl: "https://smba.trafficmanager.net/emea/" },
      };
    }),
  };
}

/** A full delivery message as the planner queues it, ids as long and as random as Teams' and Entra's. */
function fullDeliveryMessage(items: number) {
  const tenantId = randomUUID();
  const random = (n: number) => randomBytes(n).toString("base64url").slice(0, n);
  return {
    tenantId,
    items: Array.from({ length: items }, () => {
      const objectId = randomUUID();
      const slot = "2026-12-02T08:17:00.000Z";
      const delivery = parseDelivery(
        aDelivery(tenantId, objectId, slot, {
          programId: "discovery-that-wins",
          assetId: "open-questions-challenge",
          scheduleEntryId: "tuesday-challenge",
          teamId: `team-${random(12)}`,
          recipientRole: "learner",
          updatedAt: "2026-12-02T08:15:31.123Z",
        }),
      );
      return {
        recipientObjectId: objectId,
        deliveryId: delivery.id,
        planned: { delivery, etag: `W/"datetime'2026-12-02T08%3A15%3A31.${random(7)}Z'"` },
        conversation: {
          tenantId,
          objectId,
          conversationId: `a:1${random(120)}`,
          serviceUrl: "https://smba.trafficmanager.net/emea/",
          botId: `28:${randomUUID()}`,
          reachable: true,
          reachableSince: "2026-11-02T08:15:31.123Z",
          unreachableReason: null,
          pausedUntil: null,
          updatedAt: "2026-11-02T08:15:31.123Z",
        },
      };
    }),
  };
}

describe("queue message text", () => {
  it("a full delivery message of the most items stays under half of Azure's 64 KiB", () => {
    const body = fullDeliveryMessage(MAX_ITEMS_PER_DELIVERY_MESSAGE);
    const text = encodeMessage(body);
    expect(text.length).toBeLessThan(32 * 1024);
    expect(decodeMessage(text)).toEqual(body);
  });

  it("a delivery message goes deflated, in well under half its JSON's base64, and reads back whole", () => {
    const body = deliveryMessage();
    const text = encodeMessage(body);
    expect(text.startsWith("~")).toBe(true);
    expect(text.length).toBeLessThan(Buffer.from(JSON.stringify(body)).toString("base64").length / 2);
    expect(decodeMessage(text)).toEqual(body);
  });

  it("a small body goes as plain base64 JSON, and plain messages (as queued before compression) still read", () => {
    const small = { tenantId: "t", items: [] };
    expect(encodeMessage(small)).toBe(Buffer.from(JSON.stringify(small)).toString("base64"));
    const large = deliveryMessage();
    expect(decodeMessage(Buffer.from(JSON.stringify(large)).toString("base64"))).toEqual(large);
  });

  it("a message queued the old way on a real queue is received", async () => {
    const client = new QueueClient(testStorageTarget().connectionString, `codec-${randomUUID().slice(0, 8)}`);
    const queue = new WorkQueue<ReturnType<typeof deliveryMessage>>(client);
    await queue.ensure();
    const body = deliveryMessage();
    await client.sendMessage(Buffer.from(JSON.stringify(body)).toString("base64"));
    const [message] = await queue.receive({ max: 1 });
    expect(message?.body).toEqual(body);
  });
});
