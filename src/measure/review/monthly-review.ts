import type { Program } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";
import { type ChainLink, chainView } from "../chain/index.js";
import { type EffectEstimate, estimateEffect, programTeamSeries } from "../effect/index.js";
import { type KpiProgressView, type ProgramWeek, programScope, programView, programWeekRow } from "../rollups/index.js";

export interface Engagement {
  observations: number;
  challengesDone: number;
  challengesSkipped: number;
  nudgeResponses: number;
}

export interface ReviewNotes {
  text: string;
  updatedBy: string;
  updatedAt: string;
}

export interface MonthlyReview {
  programId: string;
  programName: string;
  /** "YYYY-MM" */
  month: string;
  chain: ChainLink[];
  effect: EffectEstimate | null;
  kpis: { kpi: KpiProgressView; byTeam: Record<string, KpiProgressView> }[];
  /** Weeks that start in the month, per side. */
  engagement: { pilot: Engagement; comparison: Engagement };
  notes: ReviewNotes | null;
  notesEtag: string | null;
}

const notesRow = (month: string) => `review:${month}`;

function monthBounds(month: string): { first: string; last: string; end: Date } {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`month must be YYYY-MM, not "${month}"`);
  const [y, m] = month.split("-").map(Number) as [number, number];
  const end = new Date(Date.UTC(y, m, 0, 23, 59, 59));
  return { first: `${month}-01`, last: end.toISOString().slice(0, 10), end };
}

/**
 * Everything the monthly review of a program shows: the chain with its figures, the effect estimate on the
 * KPI values up to the month's end, KPI progress, the month's engagement and the admin's notes.
 */
export async function monthlyReview(
  storage: Pick<Storage, "rollups" | "kpis" | "kpiValues">,
  program: Program,
  month: string,
  options: { minGroupSize?: number } = {},
): Promise<MonthlyReview> {
  const { first, last, end } = monthBounds(month);
  const [chain, view, weeks, notes] = await Promise.all([
    chainView(storage, program, end, options),
    programView(storage, program, end, options),
    storage.rollups.range<ProgramWeek>(
      program.tenantId,
      programScope(program.id),
      programWeekRow(first),
      `${programWeekRow(last)}~`,
    ),
    storage.rollups.get<ReviewNotes>(program.tenantId, programScope(program.id), notesRow(month)),
  ]);
  const engagement = { pilot: emptyEngagement(), comparison: emptyEngagement() };
  for (const { data } of weeks) {
    for (const side of ["pilot", "comparison"] as const) {
      engagement[side].observations += data[side].observations;
      engagement[side].challengesDone += data[side].challengesDone;
      engagement[side].challengesSkipped += data[side].challengesSkipped;
      engagement[side].nudgeResponses += data[side].nudgeResponses;
    }
  }
  let effect: EffectEstimate | null = null;
  const kpi = program.outcomeKpiId
    ? (await storage.kpis.get(program.tenantId, program.outcomeKpiId))?.value
    : undefined;
  if (kpi && program.window) {
    const series = kpi.level === "team" ? await programTeamSeries(storage, program, kpi.id) : [];
    const teams = series.map((s) => ({ ...s, values: s.values.filter((v) => v.date <= last) }));
    effect = estimateEffect({ kpi, start: program.window.start, teams });
  }
  return {
    programId: program.id,
    programName: program.name,
    month,
    chain,
    effect,
    kpis: view.kpis,
    engagement,
    notes: notes?.value.data ?? null,
    notesEtag: notes?.etag ?? null,
  };
}

function emptyEngagement(): Engagement {
  return { observations: 0, challengesDone: 0, challengesSkipped: 0, nudgeResponses: 0 };
}

/**
 * Saves the review's notes. With the etag the notes were read at, a concurrent edit is refused
 * (ConcurrencyError) rather than silently overwritten; without one, the notes must not exist yet.
 */
export async function saveReviewNotes(
  storage: Pick<Storage, "rollups">,
  program: Program,
  month: string,
  input: { text: string; updatedBy: string; etag: string | null; now?: Date },
): Promise<void> {
  monthBounds(month);
  const text = input.text.trim().slice(0, 10_000);
  const notes: ReviewNotes = { text, updatedBy: input.updatedBy, updatedAt: (input.now ?? new Date()).toISOString() };
  await storage.rollups.save(
    { tenantId: program.tenantId, scope: programScope(program.id), rowKey: notesRow(month), data: notes },
    input.etag ?? undefined,
  );
}
