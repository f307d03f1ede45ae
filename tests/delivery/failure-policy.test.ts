import { describe, expect, it } from "vitest";
import { afterFailure, asSendFailure, type RetryPolicy } from "../../src/delivery/index.js";
import { SendFailure } from "../../src/messaging/index.js";

const policy: RetryPolicy = { maxAttempts: 3, backoffBaseMs: 100, backoffCapMs: 1_000 };
const half = () => 0.5;

describe("afterFailure", () => {
  it("never retries a person who removed or blocked the bot (403/404)", () => {
    for (const status of [403, 404])
      expect(
        afterFailure(
          new SendFailure("unreachable", "Teams refused: ConversationBlockedByUser", status),
          1,
          policy,
          half,
        ),
      ).toEqual({
        action: "fail",
        outcome: "unreachable",
        reason: "Teams refused: ConversationBlockedByUser",
      });
  });

  it("fails a permanent refusal at once, with the reason", () => {
    expect(afterFailure(new SendFailure("permanent", "bad card", 400), 1, policy, half)).toEqual({
      action: "fail",
      outcome: "failed",
      reason: "permanent 400: bad card",
    });
  });

  it("waits out a 429 as long as Teams said, holds the conversation off, and spends no attempt", () => {
    expect(afterFailure(new SendFailure("throttled", "slow down", 429, 3_000), 2, policy, half)).toEqual({
      action: "retry",
      attempts: 1,
      delayMs: 3_000,
      reason: "throttled 429: slow down",
      holdOffConversationMs: 3_000,
      mayHaveSent: false,
    });
    // Without Retry-After: a second.
    expect(afterFailure(new SendFailure("throttled", "slow down", 429), 1, policy, half)).toMatchObject({
      attempts: 0,
      delayMs: 1_000,
    });
  });

  it("backs off a transient failure with full jitter, growing and capped, until the last attempt", () => {
    expect(afterFailure(new SendFailure("transient", "bad gateway", 502), 1, policy, half)).toEqual({
      action: "retry",
      attempts: 1,
      delayMs: 100,
      reason: "transient 502: bad gateway",
      mayHaveSent: false,
    });
    expect(afterFailure(new SendFailure("transient", "x", 503), 2, policy, () => 0.999)).toMatchObject({
      delayMs: 399,
    });
    expect(
      afterFailure(new SendFailure("transient", "x", 500), 2, { ...policy, backoffCapMs: 150 }, half),
    ).toMatchObject({
      delayMs: 75,
    });
    expect(afterFailure(new SendFailure("transient", "bad gateway", 502), 3, policy, half)).toEqual({
      action: "fail",
      outcome: "failed",
      reason: "after 3 attempts: transient 502: bad gateway",
    });
  });

  it("counts a request that got no answer as possibly sent; an error status or a refused connection as not", () => {
    const noAnswer = new SendFailure("transient", "socket hang up", undefined, undefined, true);
    expect(afterFailure(noAnswer, 1, policy, half)).toMatchObject({ action: "retry", mayHaveSent: true });
    const refused = new SendFailure("transient", "ECONNREFUSED", undefined, undefined, false);
    expect(afterFailure(refused, 1, policy, half)).toMatchObject({ action: "retry", mayHaveSent: false });
    expect(afterFailure(new SendFailure("transient", "x", 500), 1, policy, half)).toMatchObject({ mayHaveSent: false });
  });
});

describe("asSendFailure", () => {
  it("passes SendFailures through, turns network errors into transient ones and leaves anything else alone", () => {
    const failure = new SendFailure("throttled", "x", 429, 1_000);
    expect(asSendFailure(failure)).toBe(failure);
    expect(asSendFailure(Object.assign(new Error("reset"), { code: "ECONNRESET" }))).toMatchObject({
      kind: "transient",
      requestSent: true,
    });
    expect(asSendFailure(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toMatchObject({
      kind: "transient",
      requestSent: false,
    });
    expect(asSendFailure(new TypeError("a bug"))).toBeUndefined();
  });
});
