import { transitionDelivery } from "../domain/index.js";
import { ConcurrencyError, type Storage } from "../storage/index.js";

/** Scheduled rows this far back may still be on the queue (a slow or backed-off queue). */
const LOOKBACK_MS = 7 * 86_400_000;

/**
 * Expires a person's scheduled deliveries with slots before `until` (a pause). Queue messages carry the
 * row's etag, so each of these makes the worker's claim fail and the worker drops the message. A row
 * under a live claim is left alone: its send may already be under way.
 */
export async function expirePending(
  storage: Pick<Storage, "deliveries">,
  tenantId: string,
  objectId: string,
  until: Date,
  reason: string,
  now: Date = new Date(),
): Promise<number> {
  const range = { from: new Date(now.getTime() - LOOKBACK_MS), to: until };
  let expired = 0;
  let continuationToken: string | undefined;
  do {
    const page = await storage.deliveries.forRecipient(tenantId, objectId, range, {
      pageSize: 1000,
      continuationToken,
    });
    for (const row of page.items) {
      const d = row.value;
      if (d.status !== "scheduled" || (d.claimedUntil && Date.parse(d.claimedUntil) > now.getTime())) continue;
      try {
        const next = transitionDelivery(d, "expired", now, { lastError: reason.slice(0, 1000) });
        await storage.deliveries.save({ ...next, claimedUntil: null }, row.etag);
        expired++;
      } catch (error) {
        // A worker claimed it meanwhile: that send goes ahead.
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return expired;
}
