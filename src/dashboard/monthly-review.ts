import { addDays, type Kpi, type Program } from "../domain/index.js";
import { type EffectEstimate, estimateEffect } from "../measure/effect/index.js";
import { type PeopleFigure, shownValue } from "../measure/privacy/index.js";
import { type MonthCounts, programScope, readEverySeries } from "../measure/rollups/index.js";
import type { Storage } from "../storage/index.js";
import { programKpiIds } from "./kpi-figures.js";
import { type KpiStory, kpiStory } from "./kpi-story.js";
import { adoption, adoptionWindow } from "./observed-weeks.js";
import { type ProgramValue, programValue } from "./program-value.js";
import {
  engagementOf,
  type PrePostFigures,
  prePostOf,
  programMonths,
  programObservedWeeks,
  SIDES,
  type Side,
  sideAdoption,
} from "./program-view.js";
import { DAY_MS } from "./reads.js";
import { checkReviewMonth, monthBounds, reviewMonths, reviewWeek } from "./review-months.js";
import { teamsOfProgram } from "./team-directory.js";

/** A behaviour is given this long after the start to show in its KPI before the chain flags the link. */
export const LINK_EXPECTED_AFTER_WEEKS = 8;
/** Fewer teams than this with both figures give no relation. */
export const MIN_TEAMS_FOR_RELATION = 4;

export interface ReviewNotes {
  text: string;
  updatedBy: string;
  updatedAt: string;
}

/** One link of the chain: a behaviour (with its skills) and a KPI it should move, with the figures between. */
export interface ReviewLink {
  behaviourId: string;
  behaviourName: string;
  skills: string[];
  kpiId: string;
  kpiName: string;
  kpiRole: "outcome" | "leading";
  /** Each side's adoption over the review's four weeks. */
  adoption: Record<Side, PeopleFigure>;
  /**
   * Across teams whose adoption is shown: correlation between a team's adoption and its KPI change since
   * the month before the start, signed so that positive means "more adoption, better KPI".
   */
  relation: { teams: number; correlation: number | null };
  /** Why the link is not showing, once LINK_EXPECTED_AFTER_WEEKS have passed; null when it shows or is too early. */
  flag: string | null;
}

export interface MonthlyReview {
  program: {
    id: string;
    name: string;
    status: Program["status"];
    window: Program["window"];
    purpose: { problemToday: string; desiredState: string; strategicObjective: string; barriers: string[] };
  };
  /** "YYYY-MM" */
  month: string;
  /** The last day the review counts: the month's last day, or today within the current month. */
  asOf: string;
  /** Before the window's start month, within it, or after its end month. */
  stage: "not-started" | "running" | "ended";
  stageNote: string;
  /** The four weeks adoption stands on (whole weeks ending within the month); null before the start. */
  adoptionWeeks: { from: string; to: string } | null;
  chain: ReviewLink[];
  /** The skills link: skills checks up to the month's end. */
  skillsCheck: PrePostFigures;
  kpis: KpiStory[];
  /** Activity per side in the month itself, and since the program's first record up to the month's end. */
  engagement: { month: Record<Side, MonthCounts>; toDate: Record<Side, MonthCounts> };
  /** The effect on the outcome KPI from values up to the month's end; null before the start or without one. */
  effect: EffectEstimate | null;
  value: ProgramValue;
  notes: ReviewNotes | null;
  notesEtag: string | null;
}

export const reviewNotesRow = (month: string) => `review:${month}`;

const longDate = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });

function stageOf(program: Program, month: string): { stage: MonthlyReview["stage"]; note: string } {
  if (!program.window || month < program.window.start.slice(0, 7))
    return {
      stage: "not-started",
      note: program.window
        ? `The program had not started in ${month}: it starts on ${longDate(program.window.start)}. KPI values up to then are its baseline.`
        : `The program had not started in ${month}: it has no window yet.`,
    };
  if (month > program.window.end.slice(0, 7))
    return { stage: "ended", note: `The program's window ended on ${longDate(program.window.end)}.` };
  return {
    stage: "running",
    note: `The program runs from ${longDate(program.window.start)} to ${longDate(program.window.end)}.`,
  };
}

function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    const dy = (ys[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** A team's KPI change: its latest month value after the start month minus its last one before it. */
function teamChange(story: KpiStory, teamId: string, startMonth: string): number | undefined {
  const team = story.teams.find((t) => t.teamId === teamId);
  if (!team) return undefined;
  let before: number | undefined;
  let after: number | undefined;
  story.months.forEach((month, i) => {
    const value = team.values[i];
    if (value === null || value === undefined) return;
    if (month < startMonth) before = value;
    else if (month > startMonth) after = value;
  });
  return before === undefined || after === undefined ? undefined : after - before;
}

function flagFor(link: Omit<ReviewLink, "flag">): string | null {
  const weeks = `${LINK_EXPECTED_AFTER_WEEKS} weeks after the start`;
  const { pilot, comparison } = link.adoption;
  if (pilot === "withheld") return `too few people observed in pilot teams to show adoption ${weeks}`;
  if (pilot === null) return `no observations of this behaviour in pilot teams ${weeks}`;
  if (typeof comparison === "number" && pilot <= comparison)
    return `pilot teams do not show the behaviour more than comparison teams ${weeks}`;
  if (link.relation.teams < MIN_TEAMS_FOR_RELATION)
    return `too few teams with both adoption and KPI values (${link.relation.teams} of ${MIN_TEAMS_FOR_RELATION} needed) to see a link ${weeks}`;
  if (link.relation.correlation === null || link.relation.correlation <= 0)
    return `teams that adopted the behaviour more have not improved the KPI more ${weeks}`;
  return null;
}

/**
 * Everything the monthly review of a program shows, as of the month's end: its purpose and stage, the chain
 * with figures at every link, each KPI's story by month per side and team, the month's engagement, the effect
 * on the outcome KPI, its value, and the admin's notes. Nothing dated after the month counts. A month outside
 * the program's data is refused (MonthOutsideData).
 */
export async function monthlyReview(
  storage: Pick<Storage, "rollups" | "kpis" | "teams">,
  program: Program,
  month: string,
  now: Date,
  options: { minimum: number },
): Promise<MonthlyReview> {
  const { minimum } = options;
  const { last } = monthBounds(month);
  checkReviewMonth(month, await reviewMonths(storage, program, now));
  const today = now.toISOString().slice(0, 10);
  const asOf = last < today ? last : today;
  const { stage, note } = stageOf(program, month);
  const week = reviewWeek(month, now);
  const started = stage !== "not-started";
  const kpiIds = programKpiIds(program);
  const [teamsById, byTeam, months, notes, kpis, series] = await Promise.all([
    teamsOfProgram(storage, program),
    started ? programObservedWeeks(storage, program, adoptionWindow(week)) : Promise.resolve(new Map()),
    programMonths(storage, program),
    storage.rollups.get<ReviewNotes>(program.tenantId, programScope(program.id), reviewNotesRow(month)),
    Promise.all(kpiIds.map(async (id) => (await storage.kpis.get(program.tenantId, id))?.value)),
    Promise.all(kpiIds.map((id) => readEverySeries(storage, program.tenantId, id))),
  ]);
  const names = new Map([...teamsById].map(([id, t]) => [id, t.name]));
  const cut = (points: readonly { date: string; value: number }[]) => points.filter((p) => p.date <= last);
  const seriesByKpi = new Map(
    kpiIds.map((id, i) => [id, new Map([...(series[i] ?? new Map())].map(([team, points]) => [team, cut(points)]))]),
  );
  const stories = kpis.flatMap((kpi) =>
    kpi ? [kpiStory(kpi, program, seriesByKpi.get(kpi.id) ?? new Map(), names, month)] : [],
  );
  const upToMonth = months.filter((m) => m.month <= month);

  const chain: ReviewLink[] = [];
  const skillNames = new Map(program.chain.skills.map((s) => [s.id, s.name]));
  const startMonth = program.window?.start.slice(0, 7) ?? month;
  const weeksIn = program.window
    ? (Date.parse(`${asOf}T00:00:00Z`) - Date.parse(program.window.start)) / (7 * DAY_MS)
    : 0;
  for (const behaviour of program.chain.behaviours) {
    const sides = Object.fromEntries(
      SIDES.map((side) => [side, started ? sideAdoption(program, byTeam, side, behaviour.id, week, minimum) : null]),
    ) as Record<Side, PeopleFigure>;
    for (const kpiId of behaviour.kpiIds) {
      const story = stories.find((s) => s.id === kpiId);
      const xs: number[] = [];
      const ys: number[] = [];
      for (const { teamId } of program.teams) {
        const teamWeeks = [...(byTeam.get(teamId)?.values() ?? [])];
        // Only a team whose own adoption may be shown enters the relation.
        const teamAdoption = shownValue(adoption(teamWeeks, behaviour.id, minimum));
        const change = story ? teamChange(story, teamId, startMonth) : undefined;
        if (teamAdoption === null || change === undefined) continue;
        xs.push(teamAdoption);
        ys.push((story?.direction === "lower_is_better" ? -1 : 1) * change);
      }
      const link = {
        behaviourId: behaviour.id,
        behaviourName: behaviour.name,
        skills: behaviour.skillIds.map((id) => skillNames.get(id) ?? id),
        kpiId,
        kpiName: story?.name ?? kpiId,
        kpiRole: story?.role ?? (kpiId === program.outcomeKpiId ? ("outcome" as const) : ("leading" as const)),
        adoption: sides,
        relation: { teams: xs.length, correlation: xs.length >= MIN_TEAMS_FOR_RELATION ? pearson(xs, ys) : null },
      };
      chain.push({ ...link, flag: started && weeksIn >= LINK_EXPECTED_AFTER_WEEKS ? flagFor(link) : null });
    }
  }

  const outcome = kpis.find((k): k is Kpi => k?.id === program.outcomeKpiId);
  let effect: EffectEstimate | null = null;
  if (started && outcome && program.window) {
    const cutSeries = seriesByKpi.get(outcome.id) ?? new Map();
    const teams =
      outcome.level === "team"
        ? program.teams.map(({ teamId, role }) => ({ teamId, role, values: cutSeries.get(teamId) ?? [] }))
        : [];
    effect = estimateEffect({ kpi: outcome, start: program.window.start, teams });
  }
  return {
    program: {
      id: program.id,
      name: program.name,
      status: program.status,
      window: program.window,
      purpose: {
        problemToday: program.discover.problemToday,
        desiredState: program.discover.desiredState,
        strategicObjective: program.discover.strategicObjective,
        barriers: program.discover.barriers,
      },
    },
    month,
    asOf,
    stage,
    stageNote: note,
    adoptionWeeks: started ? { from: adoptionWindow(week)[0] ?? week, to: addDays(week, 6) } : null,
    chain,
    skillsCheck: prePostOf(upToMonth, minimum),
    kpis: stories,
    engagement: {
      month: engagementOf(months.filter((m) => m.month === month)),
      toDate: engagementOf(upToMonth),
    },
    effect,
    value: programValue(program.valuation, effect, outcome),
    notes: notes?.value.data ?? null,
    notesEtag: notes?.etag ?? null,
  };
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
    { tenantId: program.tenantId, scope: programScope(program.id), rowKey: reviewNotesRow(month), data: notes },
    input.etag ?? undefined,
  );
}
