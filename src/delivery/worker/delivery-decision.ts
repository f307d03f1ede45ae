import type { Conversation, Delivery } from "../../domain/index.js";

/** How soon a delivery that another worker holds is looked at again: a live claim is a send under way. */
export const CLAIMED_ELSEWHERE_RECHECK_SECONDS = 2;

/** What to do with one delivery row before anything is sent. */
export type Decision =
  | { action: "done"; outcome: "cancelled" | "already-done" }
  | { action: "recheck"; outcome: "claimed-elsewhere"; afterSeconds: number }
  | { action: "finish"; outcome: "unreachable"; to: "failed"; reason: string }
  | { action: "finish"; outcome: "expired"; to: "expired"; reason: string }
  /** Send it; `takeover` when an expired claim is taken over: its holder died or stalled at the send. */
  | { action: "send"; takeover: boolean };

/**
 * The questions asked of a delivery before its send, in order: cancelled? still pending? sent by someone
 * right now? can the person be reached? did they pause? Pure: the row, how to reach the person, and now.
 */
export function decideDelivery(delivery: Delivery, reach: Conversation | undefined, now: number): Decision {
  if (delivery.status === "cancelled") return { action: "done", outcome: "cancelled" };
  if (delivery.status !== "scheduled") return { action: "done", outcome: "already-done" };
  const claimedUntil = delivery.claimedUntil ? Date.parse(delivery.claimedUntil) : undefined;
  if (claimedUntil !== undefined && claimedUntil > now) {
    const claimLeft = Math.ceil((claimedUntil - now) / 1000) + 1;
    return {
      action: "recheck",
      outcome: "claimed-elsewhere",
      afterSeconds: Math.min(claimLeft, CLAIMED_ELSEWHERE_RECHECK_SECONDS),
    };
  }
  if (!reach?.reachable) {
    const reason = reach?.unreachableReason ?? "the app is not installed for this person";
    return { action: "finish", outcome: "unreachable", to: "failed", reason };
  }
  if (reach.pausedUntil && Date.parse(reach.pausedUntil) > now)
    return { action: "finish", outcome: "expired", to: "expired", reason: `paused until ${reach.pausedUntil}` };
  return { action: "send", takeover: claimedUntil !== undefined };
}
