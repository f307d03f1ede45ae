/**
 * What became of one item of a queue message, counted per instance (and the names metrics hang off):
 * final — sent, failed (permanent or out of attempts), unreachable (403/404, or never installed), expired
 * (paused), cancelled, already-done (another worker finished it), dropped (no row, or a card that cannot be
 * sent); looked at again later — claimed-elsewhere, requeued (rate limits or a retry), waiting-for-row,
 * handed-back (the instance is stopping).
 */
export const outcomeKinds = [
  "sent",
  "failed",
  "unreachable",
  "expired",
  "cancelled",
  "already-done",
  "dropped",
  "claimed-elsewhere",
  "requeued",
  "waiting-for-row",
  "handed-back",
] as const;

export type Outcome = (typeof outcomeKinds)[number];

/** What became of one item: done with, or to be looked at again in `retrySeconds`. */
export interface ItemResult {
  outcome: Outcome;
  retrySeconds?: number;
  /** Nothing wrote the row since it was planned: the planned copy the message carries is still good for a claim. */
  rowUntouched?: boolean;
  /** A queued card's attempts so far, carried on the message when it goes back. */
  attempts?: number;
}

export function emptyCounts(): Record<Outcome, number> {
  return Object.fromEntries(outcomeKinds.map((kind) => [kind, 0])) as Record<Outcome, number>;
}
