import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CLAIMED_ELSEWHERE_RECHECK_SECONDS, decideDelivery } from "../../src/delivery/index.js";
import type { Conversation, Delivery } from "../../src/domain/index.js";
import { aDelivery } from "../support/fixtures.js";

const t0 = Date.parse("2026-11-23T09:00:00.000Z");
const tenantId = randomUUID();
const objectId = randomUUID();

const delivery = (overrides: Partial<Delivery> = {}): Delivery =>
  aDelivery(tenantId, objectId, new Date(t0), { updatedAt: "2026-11-23T08:00:00.000Z", ...overrides });

const reach = (overrides: Partial<Conversation> = {}): Conversation => ({
  tenantId,
  objectId,
  conversationId: "a:1",
  serviceUrl: "https://smba.example.test/",
  botId: "28:bot",
  reachable: true,
  reachableSince: null,
  unreachableReason: null,
  pausedUntil: null,
  updatedAt: "2026-11-01T00:00:00.000Z",
  ...overrides,
});

const at = (ms: number) => new Date(t0 + ms).toISOString();

describe("decideDelivery", () => {
  it("drops a cancelled delivery, and one that is no longer pending", () => {
    expect(decideDelivery(delivery({ status: "cancelled" }), reach(), t0)).toEqual({
      action: "done",
      outcome: "cancelled",
    });
    for (const status of ["sent", "completed", "expired", "failed"] as const)
      expect(decideDelivery(delivery({ status }), reach(), t0)).toEqual({ action: "done", outcome: "already-done" });
  });

  it("leaves a delivery under a live claim to its holder and looks again soon, never later than the claim ends", () => {
    expect(decideDelivery(delivery({ claimedUntil: at(60_000) }), reach(), t0)).toEqual({
      action: "recheck",
      outcome: "claimed-elsewhere",
      afterSeconds: CLAIMED_ELSEWHERE_RECHECK_SECONDS,
    });
    expect(decideDelivery(delivery({ claimedUntil: at(1) }), reach(), t0)).toMatchObject({ afterSeconds: 2 });
  });

  it("fails a delivery to a person who cannot be reached, with the reason", () => {
    expect(decideDelivery(delivery(), reach({ reachable: false, unreachableReason: "403 blocked" }), t0)).toEqual({
      action: "finish",
      outcome: "unreachable",
      to: "failed",
      reason: "403 blocked",
    });
    expect(decideDelivery(delivery(), undefined, t0)).toEqual({
      action: "finish",
      outcome: "unreachable",
      to: "failed",
      reason: "the app is not installed for this person",
    });
  });

  it("expires a delivery to a person who paused, and sends once the pause is over", () => {
    expect(decideDelivery(delivery(), reach({ pausedUntil: at(1) }), t0)).toEqual({
      action: "finish",
      outcome: "expired",
      to: "expired",
      reason: `paused until ${at(1)}`,
    });
    expect(decideDelivery(delivery(), reach({ pausedUntil: at(0) }), t0)).toEqual({ action: "send", takeover: false });
  });

  it("sends a pending delivery; taking over an expired claim says so (its holder may have sent it)", () => {
    expect(decideDelivery(delivery(), reach(), t0)).toEqual({ action: "send", takeover: false });
    expect(decideDelivery(delivery({ claimedUntil: at(0), attempts: 1 }), reach(), t0)).toEqual({
      action: "send",
      takeover: true,
    });
    // A claim given back (null) is no takeover.
    expect(decideDelivery(delivery({ claimedUntil: null, attempts: 1 }), reach(), t0)).toEqual({
      action: "send",
      takeover: false,
    });
  });
});
