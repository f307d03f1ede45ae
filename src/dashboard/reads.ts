import type { Page } from "../storage/index.js";

/**
 * Follows continuation tokens up to a cap, so a view never reads an unbounded partition. `truncated`
 * says the cap was hit (the view then shows what it has and says so).
 */
export async function readUpTo<T>(
  read: (continuationToken: string | undefined) => Promise<Page<T>>,
  cap: number,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await read(token);
    items.push(...page.items);
    token = page.continuationToken;
  } while (token && items.length < cap);
  return { items: items.slice(0, cap), truncated: Boolean(token) || items.length > cap };
}

/** Monday (UTC) of the ISO week holding `at`, as YYYY-MM-DD. */
export function weekStart(at: Date): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  d.setUTCDate(d.getUTCDate() - (weekday - 1));
  return d.toISOString().slice(0, 10);
}

/** The last `count` week starts, oldest first, ending with the week of `now`. */
export function lastWeeks(now: Date, count: number): string[] {
  const current = new Date(`${weekStart(now)}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(current);
    d.setUTCDate(d.getUTCDate() - 7 * (count - 1 - i));
    return d.toISOString().slice(0, 10);
  });
}

export const DAY_MS = 86_400_000;
