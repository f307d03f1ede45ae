import { mapWithConcurrency } from "../../concurrency.js";
import type { KpiValue } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";
import type { RowIssue } from "./validate-kpi-value.js";

/** Something worth knowing about a valid row that is not a problem: a repeat, a value already stored. */
export interface RowNote {
  row: number;
  note: string;
}

interface Entry {
  value: KpiValue;
  row: number;
  /** Later rows for the same (KPI, team, date), with their values. */
  repeats?: { row: number; value: number }[];
  conflict?: boolean;
  stored?: KpiValue;
}

/** What an import of a value set does, in counts that add up: validRows = toWrite + unchanged + duplicates. */
export interface KpiValueSetOutcome {
  toWrite: KpiValue[];
  /** Of toWrite, values that replace a different stored value (only when replacing was asked for). */
  replaced: number;
  /** Values equal to what is stored: nothing to write. */
  unchanged: number;
  /** Rows repeating an earlier row exactly: counted once. */
  duplicates: number;
  /** Rows in a conflict: two values for one (KPI, team, date) in the input, or one differing from storage. */
  conflictRows: number;
  /** Differing stored values: problems unless replacing was asked for. */
  storedConflicts: number;
  issues: RowIssue[];
  notes: RowNote[];
  /** All issues and notes, listed or not. */
  issueCount: number;
  noteCount: number;
}

const keyOf = (v: KpiValue) => `${v.kpiId}\u0000${v.teamId ?? ""}\u0000${v.date}`;

/** Entries gone through before the event loop gets a turn: a 500,000-row file must not hold every request. */
const YIELD_EVERY = 5_000;
const turn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The valid values of one import, by the identity a value is stored under (KPI, team, date), so repeats are
 * seen: the same value again counts once; a different value is a conflict that names both rows and is
 * never silently resolved. Then compared with storage, reading only each series' dates in the input: a
 * value already stored is not written again, and a differing one is a conflict unless the admin asked to
 * replace stored values. Holds one small entry per distinct value (the input itself streams past).
 */
export class KpiValueSet {
  private readonly entries = new Map<string, Entry>();

  add(value: KpiValue, row: number): void {
    const key = keyOf(value);
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { value, row });
      return;
    }
    entry.repeats ??= [];
    entry.repeats.push({ row, value: value.value });
    if (value.value !== entry.value.value) entry.conflict = true;
  }

  async compareWithStored(storage: Pick<Storage, "kpiValues">, tenantId: string): Promise<void> {
    const series = new Map<string, { kpiId: string; teamId: string | null; from: string; to: string }>();
    let seen = 0;
    for (const { value } of this.entries.values()) {
      if (++seen % YIELD_EVERY === 0) await turn();
      const id = `${value.kpiId}\u0000${value.teamId ?? ""}`;
      const range = series.get(id);
      if (!range) series.set(id, { kpiId: value.kpiId, teamId: value.teamId, from: value.date, to: value.date });
      else {
        if (value.date < range.from) range.from = value.date;
        if (value.date > range.to) range.to = value.date;
      }
    }
    await mapWithConcurrency([...series.values()], 8, async ({ kpiId, teamId, from, to }) => {
      let continuationToken: string | undefined;
      do {
        const page = await storage.kpiValues.series(tenantId, kpiId, teamId, {
          from,
          to,
          pageSize: 1000,
          continuationToken,
        });
        for (const stored of page.items) {
          const entry = this.entries.get(keyOf(stored));
          if (entry) entry.stored = stored;
        }
        continuationToken = page.continuationToken;
      } while (continuationToken);
    });
  }

  /**
   * The counts, the values to write, and every conflict as a problem on each row involved. `label` names a
   * row in words ("line 4", "item 3"); `limit` caps the listed issues and notes (the counts stay exact).
   */
  async outcome(options: {
    replace: boolean;
    label: (row: number) => string;
    limit: number;
  }): Promise<KpiValueSetOutcome> {
    const { label, limit } = options;
    const out: KpiValueSetOutcome = {
      toWrite: [],
      replaced: 0,
      unchanged: 0,
      duplicates: 0,
      conflictRows: 0,
      storedConflicts: 0,
      issues: [],
      notes: [],
      issueCount: 0,
      noteCount: 0,
    };
    const issue = (row: number, rule: string) => {
      out.issueCount++;
      if (out.issues.length < limit) out.issues.push({ row, field: "row", rule });
    };
    const note = (row: number, text: string) => {
      out.noteCount++;
      if (out.notes.length < limit) out.notes.push({ row, note: text });
    };
    let seen = 0;
    for (const entry of this.entries.values()) {
      if (++seen % YIELD_EVERY === 0) await turn();
      const rows = [{ row: entry.row, value: entry.value.value }, ...(entry.repeats ?? [])];
      if (entry.conflict) {
        out.conflictRows += rows.length;
        for (const r of rows) {
          const others = rows.filter((o) => o.value !== r.value).slice(0, 3);
          const named = others.map((o) => `${o.value} on ${label(o.row)}`).join(", ");
          issue(r.row, `gives ${r.value}, but the same KPI, team and date has ${named}: keep one value`);
        }
        continue;
      }
      const stored = entry.stored;
      const differs = stored !== undefined && stored.value !== entry.value.value;
      if (stored && differs && !options.replace) {
        out.storedConflicts++;
        out.conflictRows += rows.length;
        for (const r of rows)
          issue(
            r.row,
            `gives ${r.value}, but ${stored.value} is stored for this KPI, team and date (recorded ${stored.recordedAt.slice(0, 10)} from ${stored.source}): replace stored values to overwrite it`,
          );
        continue;
      }
      for (const repeat of entry.repeats ?? []) note(repeat.row, `repeats ${label(entry.row)}: counted once`);
      out.duplicates += rows.length - 1;
      if (stored && !differs) {
        out.unchanged++;
        note(entry.row, "already stored with this value: nothing to write");
      } else {
        if (stored) {
          out.storedConflicts++;
          out.replaced++;
          note(entry.row, `replaces the stored value ${stored.value}`);
        }
        out.toWrite.push(entry.value);
      }
    }
    return out;
  }
}
