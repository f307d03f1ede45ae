import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dispositionOf, type ItemResult, readDeliveryMessage } from "../../src/delivery/index.js";
import type { Conversation, Delivery } from "../../src/domain/index.js";
import type { CardItem, DeliveryItem, DeliveryMessage } from "../../src/storage/index.js";

const tenantId = randomUUID();
const item = (n: number): DeliveryItem => ({
  recipientObjectId: `person-${n}`,
  deliveryId: `delivery-${n}`,
  planned: { delivery: { id: `delivery-${n}` } as Delivery, etag: `etag-${n}` },
});
const card: CardItem = {
  kind: "card",
  purpose: "welcome",
  conversation: { conversationId: "a:1" } as Conversation,
  card: { card: {}, summary: "Welcome" },
};
const message = (...items: DeliveryMessage["items"]): DeliveryMessage => ({ tenantId, items });
const done = (outcome: ItemResult["outcome"] = "sent"): ItemResult => ({ outcome });

describe("dispositionOf", () => {
  it("deletes a message once every item is done with", () => {
    expect(dispositionOf(message(item(1), item(2)), [done(), done("cancelled")], 60)).toEqual({ action: "delete" });
  });

  it("hands back only the items left, due when the soonest of them is", () => {
    const results: ItemResult[] = [
      done(),
      { outcome: "requeued", retrySeconds: 7, rowUntouched: true },
      { outcome: "claimed-elsewhere", retrySeconds: 2 },
    ];
    const { planned, ...third } = item(3);
    expect(dispositionOf(message(item(1), item(2), item(3)), results, 60)).toEqual({
      action: "release",
      delaySeconds: 2,
      // The untouched row keeps its planned copy; the other row was written since, so it is read instead.
      body: { tenantId, items: [item(2), third] },
    });
  });

  it("keeps an item whose handling failed for the visibility timeout, and hands back at once when stopping", () => {
    expect(dispositionOf(message(item(1), item(2)), [undefined, done()], 60)).toMatchObject({
      action: "release",
      delaySeconds: 60,
    });
    expect(
      dispositionOf(message(item(1)), [{ outcome: "handed-back", retrySeconds: 0, rowUntouched: true }], 60),
    ).toEqual({ action: "release", delaySeconds: 0, body: { tenantId, items: [item(1)] } });
  });

  it("carries a queued card's attempts on the message", () => {
    expect(
      dispositionOf(message(card, item(1)), [{ outcome: "requeued", retrySeconds: 4, attempts: 2 }, done()], 60),
    ).toEqual({ action: "release", delaySeconds: 4, body: { tenantId, items: [{ ...card, attempts: 2 }] } });
  });
});

describe("readDeliveryMessage", () => {
  it("reads today's form, the first one-delivery form, and queued cards; leaves out what names nothing", () => {
    expect(readDeliveryMessage(message(item(1), card))).toEqual(message(item(1), card));
    expect(readDeliveryMessage({ tenantId, recipientObjectId: "p", deliveryId: "d" })).toEqual({
      tenantId,
      items: [{ recipientObjectId: "p", deliveryId: "d" }],
    });
    expect(readDeliveryMessage({ tenantId, items: [{ note: "nothing" }, item(1)] })).toEqual(message(item(1)));
    expect(readDeliveryMessage({ tenantId, items: [{ note: "nothing" }] })).toBeUndefined();
    expect(readDeliveryMessage({ items: [item(1)] })).toBeUndefined();
    expect(readDeliveryMessage("not json")).toBeUndefined();
  });
});
