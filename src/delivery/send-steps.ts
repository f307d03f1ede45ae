import diagnostics from "node:diagnostics_channel";

/**
 * The steps of the send loop, as they happen, for benchmarks and metrics: "claim", "claim-recovered" (a claim
 * whose answer was lost, found to be ours), "late-slot" (a claim given back, held up past its slot),
 * "slot-dropped" (a booked slot nobody could spend in time; the tenant rate limiter's),
 * "retry" (a claim given back after a failure), "stale-row" (the row changed under a write; decided afresh),
 * "takeover" (an expired claim taken over). Published only while someone listens.
 */
export const sendStepChannel = diagnostics.channel("throughline:delivery-send-step");

export function sendStep(name: string): void {
  if (sendStepChannel.hasSubscribers) sendStepChannel.publish({ step: name });
}
