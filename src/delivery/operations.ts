import { type Delivery, type DeliveryStatus, deliveryStatuses, transitionDelivery } from "../domain/index.js";
import { ConcurrencyError, type Storage, type Versioned } from "../storage/index.js";
import { POSSIBLE_DUPLICATE } from "./worker/index.js";

export interface DeliveryFailure {
  deliveryId: string;
  recipientObjectId: string;
  teamId: string;
  assetId: string;
  slot: string;
  attempts: number;
  reason: string;
}

export interface DeliveryReport {
  programId: string;
  counts: Record<DeliveryStatus, number>;
  total: number;
  /** Failed deliveries with their reasons, oldest slot first (at most `failureLimit`). */
  failures: DeliveryFailure[];
  /** Sent again after an interrupted attempt: these people may have the card twice. */
  possibleDuplicates: number;
}

type DeliveryStorage = Pick<Storage, "deliveries" | "deliveryQueue">;

async function* programDeliveries(
  storage: DeliveryStorage,
  tenantId: string,
  programId: string,
  status?: DeliveryStatus,
): AsyncGenerator<Versioned<Delivery>> {
  yield* storage.deliveries.eachOfProgram(tenantId, programId, { status });
}

/** A program's deliveries by state, the failures with their reasons, and the possible duplicates. */
export async function deliveryReport(
  storage: DeliveryStorage,
  tenantId: string,
  programId: string,
  options: { failureLimit?: number } = {},
): Promise<DeliveryReport> {
  const counts = Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  const failures: DeliveryFailure[] = [];
  let possibleDuplicates = 0;
  let total = 0;
  for await (const { value: d } of programDeliveries(storage, tenantId, programId)) {
    counts[d.status]++;
    total++;
    if (d.lastError === POSSIBLE_DUPLICATE) possibleDuplicates++;
    if (d.status === "failed" && failures.length < (options.failureLimit ?? 500)) {
      failures.push({
        deliveryId: d.id,
        recipientObjectId: d.recipientObjectId,
        teamId: d.teamId,
        assetId: d.assetId,
        slot: d.slot,
        attempts: d.attempts,
        reason: d.lastError ?? "unknown",
      });
    }
  }
  failures.sort((a, b) => a.slot.localeCompare(b.slot));
  return { programId, counts, total, failures, possibleDuplicates };
}

/**
 * Puts every failed delivery of the program back on the queue. The message goes first, a little delayed,
 * and the row is then saved as scheduled: a crash in between leaves the delivery failed (the message finds
 * it so and is dropped), never scheduled with nothing to send it.
 */
export async function resendFailed(
  storage: DeliveryStorage,
  tenantId: string,
  programId: string,
  now = new Date(),
): Promise<{ requeued: number }> {
  let requeued = 0;
  for await (const row of programDeliveries(storage, tenantId, programId, "failed")) {
    const d = row.value;
    await storage.deliveryQueue.send(
      { tenantId, items: [{ recipientObjectId: d.recipientObjectId, deliveryId: d.id }] },
      { delaySeconds: 2 },
    );
    const again = transitionDelivery(d, "scheduled", now, { attempts: 0, lastError: null });
    try {
      await storage.deliveries.save({ ...again, claimedUntil: null }, row.etag);
      requeued++;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  return { requeued };
}

/**
 * Cancels every pending delivery of the program. One that a worker is sending right now (a live claim)
 * is left to finish and counted as in flight.
 */
export async function cancelPending(
  storage: DeliveryStorage,
  tenantId: string,
  programId: string,
  now = new Date(),
): Promise<{ cancelled: number; inFlight: number }> {
  let cancelled = 0;
  let inFlight = 0;
  for await (const row of programDeliveries(storage, tenantId, programId, "scheduled")) {
    let current: Versioned<Delivery> | undefined = row;
    for (let attempt = 0; current && attempt < 3; attempt++) {
      const d: Delivery = current.value;
      if (d.status !== "scheduled") break;
      if (d.claimedUntil && Date.parse(d.claimedUntil) > now.getTime()) {
        inFlight++;
        break;
      }
      try {
        await storage.deliveries.save(
          { ...transitionDelivery(d, "cancelled", now, { lastError: "cancelled by an admin" }), claimedUntil: null },
          current.etag,
        );
        cancelled++;
        break;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        current = await storage.deliveries.get(tenantId, d.recipientObjectId, d.id);
      }
    }
  }
  return { cancelled, inFlight };
}
