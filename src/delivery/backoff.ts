/**
 * Exponential backoff with full jitter (a uniform wait in [0, min(cap, base·2^attempt))): retries of
 * many workers spread out instead of arriving together.
 */
export function fullJitterMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
