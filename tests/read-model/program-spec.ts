import fc from "fast-check";
import { seededRandom } from "../../src/measure/index.js";

/** A team of a random program: its side, how many members, and where its people are. */
export interface TeamSpec {
  role: "pilot" | "comparison";
  members: number;
  timeZone: string;
}

/**
 * A random program: its shape (teams, behaviours, KPIs, window, valuation) and how people act in it (the
 * chance a member is rated on a behaviour in a checklist, at the top level, a challenge is done or skipped,
 * a nudge answered, a skills check taken). `seed` drives every choice made while the program runs.
 */
export interface ProgramSpec {
  seed: number;
  /** The window's first day; the run goes from a few weeks before it to `readAfterWeeks` after it. */
  start: string;
  weeks: number;
  behaviours: { levels: number }[];
  teams: TeamSpec[];
  outcome: { direction: "higher_is_better" | "lower_is_better" };
  leading: "team" | "organisation" | null;
  /** Months of KPI values before the start (the baseline period). */
  monthsBefore: number;
  checklistEveryWeeks: 1 | 2;
  rates: { rated: number; top: number; done: number; skipped: number; nudge: number; skills: number };
  valuation: { currency: string; unitWorth: number; cost: number } | null;
  /** When the views are read, in days after the start: a point mid-way and one near the end. */
  readAt: number[];
}

const zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "UTC"];

/** A seeded random program, for the reconciliation: large enough that every figure has something to count. */
export function randomProgram(seed: number): ProgramSpec {
  const r = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)] as T;
  const weeks = int(8, 12);
  const team = (role: TeamSpec["role"]): TeamSpec => ({ role, members: int(1, 8), timeZone: pick(zones) });
  const start = new Date(Date.UTC(2026, int(2, 6), int(1, 28))).toISOString().slice(0, 10);
  return {
    seed,
    start,
    weeks,
    behaviours: Array.from({ length: int(1, 3) }, () => ({ levels: int(2, 4) })),
    teams: [
      ...Array.from({ length: int(2, 5) }, () => team("pilot")),
      ...Array.from({ length: int(1, 4) }, () => team("comparison")),
    ],
    outcome: { direction: pick(["higher_is_better", "lower_is_better"] as const) },
    leading: pick(["team", "organisation", null] as const),
    monthsBefore: int(2, 3),
    checklistEveryWeeks: pick([1, 2] as const),
    rates: {
      rated: 0.4 + r() * 0.6,
      top: 0.2 + r() * 0.6,
      done: 0.4 + r() * 0.5,
      skipped: r() * 0.2,
      nudge: 0.1 + r() * 0.2,
      skills: 0.5 + r() * 0.5,
    },
    valuation: r() < 0.7 ? { currency: "EUR", unitWorth: int(1, 50) * 1000, cost: int(10, 200) * 1000 } : null,
    readAt: [int(20, 7 * weeks - 20), 7 * weeks + int(1, 10)],
  };
}

/**
 * Small programs whose groups sit around the privacy minimum (teams of 1 to 7, few people rated), for the
 * property that no figure anywhere stands on fewer people than the minimum.
 */
export const smallProgram: fc.Arbitrary<ProgramSpec> = fc
  .record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    startDay: fc.integer({ min: 0, max: 150 }),
    weeks: fc.integer({ min: 3, max: 6 }),
    behaviours: fc.array(fc.record({ levels: fc.integer({ min: 2, max: 4 }) }), { minLength: 1, maxLength: 2 }),
    pilots: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
    comparisons: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 0, maxLength: 2 }),
    direction: fc.constantFrom("higher_is_better" as const, "lower_is_better" as const),
    leading: fc.constantFrom("team" as const, "organisation" as const, null),
    rated: fc.double({ min: 0.1, max: 1, noNaN: true }),
    top: fc.double({ min: 0, max: 1, noNaN: true }),
    skills: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((p) => ({
    seed: p.seed,
    start: new Date(Date.UTC(2026, 2, 2 + p.startDay)).toISOString().slice(0, 10),
    weeks: p.weeks,
    behaviours: p.behaviours,
    teams: [
      ...p.pilots.map((members) => ({ role: "pilot" as const, members, timeZone: "UTC" })),
      ...p.comparisons.map((members) => ({ role: "comparison" as const, members, timeZone: "Europe/London" })),
    ],
    outcome: { direction: p.direction },
    leading: p.leading,
    monthsBefore: 1,
    checklistEveryWeeks: 1 as const,
    rates: { rated: p.rated, top: p.top, done: 0.6, skipped: 0.1, nudge: 0.1, skills: p.skills },
    valuation: null,
    readAt: [7 * p.weeks + 2],
  }));
