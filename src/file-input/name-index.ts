import { distance } from "fastest-levenshtein";

/** A name as people type it, for matching: trimmed and case-folded; accents are kept ("Nórth" is not "North"). */
export function nameKey(text: string): string {
  return text.normalize("NFC").trim().toLowerCase();
}

/** What a file's text names: one thing, several (the text is not specific enough), or nothing. */
export type Lookup<T> = { found: T } | { ambiguous: T[] } | { missing: true; suggestion?: T };

/**
 * Finds things a file names the way its author knows them (KPIs, teams, people): by id, or by name trimmed
 * and case-insensitive. An exact id wins, then a name, then an id in other case. A miss carries the closest
 * id or name within a few edits ("did you mean"), worked out once per distinct text however many rows repeat it.
 */
export class NameIndex<T> {
  private readonly byId = new Map<string, T>();
  private readonly byName = new Map<string, T[]>();
  private readonly byIdKey = new Map<string, T[]>();
  private readonly suggestions = new Map<string, T | undefined>();

  constructor(
    items: Iterable<T>,
    private readonly idOf: (item: T) => string,
    private readonly nameOf: (item: T) => string,
  ) {
    for (const item of items) {
      this.byId.set(idOf(item), item);
      push(this.byName, nameKey(nameOf(item)), item);
      push(this.byIdKey, nameKey(idOf(item)), item);
    }
  }

  /** By exact id only: for fields that say they hold an id (an API's `kpiId`). */
  byExactId(text: string): Lookup<T> {
    const found = this.byId.get(text.trim());
    return found ? { found } : { missing: true, suggestion: this.suggest(text) };
  }

  find(text: string): Lookup<T> {
    const found = this.byId.get(text.trim());
    if (found) return { found };
    const key = nameKey(text);
    for (const map of [this.byName, this.byIdKey]) {
      const matches = map.get(key);
      if (matches?.length === 1 && matches[0]) return { found: matches[0] };
      if (matches && matches.length > 1) return { ambiguous: matches };
    }
    return { missing: true, suggestion: this.suggest(text) };
  }

  /** "did you mean …" words for a miss: `"Renewals North" (renewals-north)`, or "" when nothing is close. */
  hint(lookup: Lookup<T>): string {
    if (!("missing" in lookup) || !lookup.suggestion) return "";
    return ` (did you mean ${this.describe(lookup.suggestion)}?)`;
  }

  describe(item: T): string {
    const [id, name] = [this.idOf(item), this.nameOf(item)];
    return id === name ? `"${name}"` : `"${name}" (${id})`;
  }

  private suggest(text: string): T | undefined {
    const key = nameKey(text);
    if (this.suggestions.has(key)) return this.suggestions.get(key);
    // Close enough to be a typo, not a different name: 1 edit for short names, up to 3 for long ones.
    const allowed = Math.max(1, Math.min(3, Math.floor(key.length / 4)));
    let best: T | undefined;
    let bestDistance = allowed + 1;
    for (const [candidates, keyOf] of [
      [this.byName, (item: T) => nameKey(this.nameOf(item))],
      [this.byIdKey, (item: T) => nameKey(this.idOf(item))],
    ] as const)
      for (const items of candidates.values())
        for (const item of items) {
          const d = distance(key, keyOf(item));
          if (d < bestDistance) [best, bestDistance] = [item, d];
        }
    this.suggestions.set(key, best);
    return best;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
