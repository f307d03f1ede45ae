import type { Program } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";
import { programTeamSeries } from "../effect/index.js";
import { DEFAULT_MIN_GROUP_SIZE, isSmallGroup } from "../privacy/small-groups.js";
import { programScope, type TeamWeek } from "../rollups/index.js";

/** A behaviour is given this long after the start to show in its KPI before the chain flags the link. */
export const LINK_EXPECTED_AFTER_WEEKS = 8;
/** Behaviour change shows in results later: KPI values this long after the start are compared. */
export const KPI_LAG_WEEKS = 4;
/** Fewer teams than this with both figures give no relation. */
export const MIN_TEAMS_FOR_RELATION = 4;

export interface ChainLink {
  behaviourId: string;
  behaviourName: string;
  skills: string[];
  kpiId: string;
  kpiName: string;
  /**
   * Share of observations at the top rubric level since the start, per side (null: none observed, or fewer
   * people observed on that side than the privacy minimum: the share would point at them).
   */
  adoption: { pilot: number | null; comparison: number | null };
  /** The sides whose adoption is withheld for the privacy minimum. */
  withheld: ("pilot" | "comparison")[];
  /**
   * Across teams: correlation between a team's adoption and its KPI change from before the start to
   * values at least KPI_LAG_WEEKS after it, signed so that positive means "more adoption, better KPI".
   */
  relation: { teams: number; correlation: number | null; lagWeeks: number };
  /** Why the link is not showing, once LINK_EXPECTED_AFTER_WEEKS have passed; null when it shows or is too early. */
  flag: string | null;
}

const WEEK = 7 * 86_400_000;

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

/**
 * The impact chain with figures at each link: for every behaviour and each KPI it should move, adoption in
 * pilot vs comparison teams (from the team-week rollups) and the lagged relation to the KPI.
 */
export async function chainView(
  storage: Pick<Storage, "rollups" | "kpis" | "kpiValues">,
  program: Program,
  now: Date,
  options: { minGroupSize?: number } = {},
): Promise<ChainLink[]> {
  const minimum = options.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  if (!program.window) return [];
  const start = program.window.start;
  const weeksSinceStart = (now.getTime() - Date.parse(start)) / WEEK;
  const lagDate = new Date(Date.parse(start) + KPI_LAG_WEEKS * WEEK).toISOString().slice(0, 10);
  const rows = await storage.rollups.range<TeamWeek>(program.tenantId, programScope(program.id), "tw:", "tw;");
  const roleOf = new Map(program.teams.map((t) => [t.teamId, t.role]));
  const skillNames = new Map(program.chain.skills.map((s) => [s.id, s.name]));

  // Per behaviour and team: observations and top-level ones since the start; per behaviour and side, who
  // was observed on it (a side's share of one behaviour must stand on enough people observed on that one).
  const counts = new Map<string, Map<string, { o: number; t: number }>>();
  const observed = new Map<string, { pilot: Set<string>; comparison: Set<string> }>();
  const observedOn = (behaviourId: string) => {
    const found = observed.get(behaviourId) ?? { pilot: new Set<string>(), comparison: new Set<string>() };
    observed.set(behaviourId, found);
    return found;
  };
  for (const { data } of rows) {
    if (data.week < weekStartOf(start)) continue;
    const role = roleOf.get(data.teamId);
    if (role)
      for (const [behaviourId, tags] of Object.entries(data.behaviourMemberTags ?? {}))
        for (const tag of tags) observedOn(behaviourId)[role].add(tag);
    for (const [behaviourId, b] of Object.entries(data.byBehaviour)) {
      const byTeam = counts.get(behaviourId) ?? new Map();
      const c = byTeam.get(data.teamId) ?? { o: 0, t: 0 };
      c.o += b.observations;
      c.t += b.topLevel;
      byTeam.set(data.teamId, c);
      counts.set(behaviourId, byTeam);
    }
  }

  const kpiIds = [...new Set(program.chain.behaviours.flatMap((b) => b.kpiIds))];
  const kpiInfo = new Map<string, { name: string; sign: number; change: Map<string, number> }>();
  for (const kpiId of kpiIds) {
    const kpi = (await storage.kpis.get(program.tenantId, kpiId))?.value;
    if (!kpi) continue;
    const change = new Map<string, number>();
    if (kpi.level === "team")
      for (const series of await programTeamSeries(storage, program, kpiId)) {
        const before = series.values.filter((v) => v.date < start);
        const after = series.values.filter((v) => v.date >= lagDate);
        if (before.length === 0 || after.length === 0) continue;
        const mean = (l: typeof before) => l.reduce((s, v) => s + v.value, 0) / l.length;
        change.set(series.teamId, mean(after) - mean(before));
      }
    kpiInfo.set(kpiId, { name: kpi.name, sign: kpi.direction === "higher_is_better" ? 1 : -1, change });
  }

  const links: ChainLink[] = [];
  for (const behaviour of program.chain.behaviours) {
    const byTeam = counts.get(behaviour.id) ?? new Map<string, { o: number; t: number }>();
    const side = (role: "pilot" | "comparison") => {
      let o = 0;
      let t = 0;
      for (const [teamId, c] of byTeam)
        if (roleOf.get(teamId) === role) {
          o += c.o;
          t += c.t;
        }
      return o === 0 ? null : t / o;
    };
    const people = observedOn(behaviour.id);
    const withheld = (["pilot", "comparison"] as const).filter((r) => isSmallGroup(people[r].size, minimum));
    const shown = (role: "pilot" | "comparison") => (withheld.includes(role) ? null : side(role));
    const adoption = { pilot: shown("pilot"), comparison: shown("comparison") };
    for (const kpiId of behaviour.kpiIds) {
      const info = kpiInfo.get(kpiId);
      const xs: number[] = [];
      const ys: number[] = [];
      for (const t of program.teams) {
        const c = byTeam.get(t.teamId);
        const change = info?.change.get(t.teamId);
        // A team never observed has adoption 0 for this purpose only if it is a comparison team (no program).
        const teamAdoption = c && c.o > 0 ? c.t / c.o : t.role === "comparison" ? 0 : undefined;
        if (teamAdoption === undefined || change === undefined) continue;
        xs.push(teamAdoption);
        ys.push((info?.sign ?? 1) * change);
      }
      const correlation = xs.length >= MIN_TEAMS_FOR_RELATION ? pearson(xs, ys) : null;
      links.push({
        behaviourId: behaviour.id,
        behaviourName: behaviour.name,
        skills: behaviour.skillIds.map((id) => skillNames.get(id) ?? id),
        kpiId,
        kpiName: info?.name ?? kpiId,
        adoption,
        withheld,
        relation: { teams: xs.length, correlation, lagWeeks: KPI_LAG_WEEKS },
        flag: weeksSinceStart < LINK_EXPECTED_AFTER_WEEKS ? null : flagFor(adoption, withheld, correlation, xs.length),
      });
    }
  }
  return links;
}

function flagFor(
  adoption: { pilot: number | null; comparison: number | null },
  withheld: readonly ("pilot" | "comparison")[],
  correlation: number | null,
  teams: number,
): string | null {
  const weeks = `${LINK_EXPECTED_AFTER_WEEKS} weeks after the start`;
  if (withheld.includes("pilot")) return `too few people observed in pilot teams to show adoption ${weeks}`;
  if (adoption.pilot === null) return `no observations of this behaviour in pilot teams ${weeks}`;
  if (adoption.comparison !== null && adoption.pilot <= adoption.comparison)
    return `pilot teams do not show the behaviour more than comparison teams ${weeks}`;
  if (teams < MIN_TEAMS_FOR_RELATION)
    return `too few teams with KPI values (${teams} of ${MIN_TEAMS_FOR_RELATION} needed) to see a link ${weeks}`;
  if (correlation === null || correlation <= 0)
    return `teams that adopted the behaviour more have not improved the KPI more ${weeks}`;
  return null;
}

function weekStartOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}
