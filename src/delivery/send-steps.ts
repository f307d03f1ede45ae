import diagnostics from "node:diagnostics_channel";

/**
 * The steps of the send loop, as they happen, for benchmarks and metrics: "claim", "claim-recovered" (a claim
 * whose answer was lost, found to be ours), "slot-missed: no claim ready" (a slot whose time and grace passed with
 * no claimed delivery waiting for it), "slot-missed: woke late" (deliveries were waiting, but the timer ran after
 * the grace: a stalled event loop), "conversation-full" (a slot given up to the conversation's windows),
 * "slot-dropped" (a booked slot nobody could spend in time; the tenant rate limiter's),
 * "retry" (a claim given back after a failure), "stale-row" (the row changed under a write; decided afresh),
 * "takeover" (an expired claim taken over). Published only while someone listens.
 */
export const sendStepChannel = diagnostics.channel("throughline:delivery-send-step");

export function sendStep(name: string): void {
  if (sendStepChannel.hasSubscribers) sendStepChannel.publish({ step: name });
}
