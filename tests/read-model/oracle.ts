import type { RunLog, RunTeam } from "./run-program.js";

/**
 * Every figure the product shows, computed again from what happened (the run's log), in plain code of its
 * own: no product module is used here, only the definitions in docs/measurement.md.
 */

const DAY = 86_400_000;
type Side = "pilot" | "comparison";
const SIDES: Side[] = ["pilot", "comparison"];

/** A figure about people: the value (null when nothing to show) and how many distinct people stand behind it. */
export interface Backed {
  value: number | null;
  people: number;
}

/** What the product should show for a backed figure at a privacy minimum. */
export function shown(f: Backed, minimum: number): number | null | "withheld" {
  if (f.value === null) return null;
  return f.people >= minimum ? f.value : "withheld";
}

export const monday = (at: string | number): string => {
  const d = new Date(typeof at === "number" ? at : Date.parse(at));
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day)).toISOString().slice(0, 10);
};
export const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const monthOf = (at: string) => new Date(Date.parse(at)).toISOString().slice(0, 7);
export const lastDay = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
export function months(from: string, to: string): string[] {
  const list: string[] = [];
  for (let m = from; m <= to; m = plusDays(lastDay(m), 1).slice(0, 7)) list.push(m);
  return list;
}
const mean = (xs: readonly number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

export class Oracle {
  readonly now: Date;
  readonly today: string;
  readonly week: string;
  constructor(
    readonly log: RunLog,
    now: Date,
    readonly minimum: number,
  ) {
    this.now = now;
    this.today = now.toISOString().slice(0, 10);
    this.week = monday(now.getTime());
  }

  team(id: string): RunTeam {
    const t = this.log.teams.find((x) => x.id === id);
    if (!t) throw new Error(`no team ${id}`);
    return t;
  }
  roleOf(teamId: string): Side {
    return this.team(teamId).role;
  }
  behaviours() {
    return this.log.program.chain.behaviours;
  }
  private isTop(behaviourId: string, level: number) {
    const b = this.behaviours().find((x) => x.id === behaviourId);
    return b !== undefined && level === b.rubric.levels.length - 1;
  }
  /** Observations made up to now. */
  private observed() {
    return this.log.observations.filter((o) => Date.parse(o.at) <= this.now.getTime());
  }

  /** The four weeks ending with `week`, as [from, to) instants. */
  private windowOf(week: string): [number, number] {
    return [Date.parse(`${plusDays(week, -21)}T00:00:00Z`), Date.parse(`${plusDays(week, 7)}T00:00:00Z`)];
  }

  /** Adoption of a behaviour by some teams over the four weeks ending with `week`: pooled, with its people. */
  adoption(teamIds: readonly string[], behaviourId: string, week: string): Backed {
    const [from, to] = this.windowOf(week);
    const mine = this.observed().filter(
      (o) =>
        teamIds.includes(o.teamId) &&
        o.behaviourId === behaviourId &&
        Date.parse(o.at) >= from &&
        Date.parse(o.at) < to,
    );
    const top = mine.filter((o) => this.isTop(o.behaviourId, o.levelIndex)).length;
    return { value: mine.length === 0 ? null : top / mine.length, people: new Set(mine.map((o) => o.memberId)).size };
  }
  sideTeams(side: Side): string[] {
    return this.log.program.teams.filter((t) => t.role === side).map((t) => t.teamId);
  }
  /** The twelve charted weeks, oldest first. */
  chartWeeks(): string[] {
    return Array.from({ length: 12 }, (_, i) => plusDays(this.week, -7 * (11 - i)));
  }
  observationsIn(teamId: string, fromWeek: string, toWeek: string, behaviourId?: string): number {
    const from = Date.parse(`${fromWeek}T00:00:00Z`);
    const to = Date.parse(`${plusDays(toWeek, 7)}T00:00:00Z`);
    return this.observed().filter(
      (o) =>
        o.teamId === teamId &&
        (behaviourId === undefined || o.behaviourId === behaviourId) &&
        Date.parse(o.at) >= from &&
        Date.parse(o.at) < to,
    ).length;
  }
  /** Members observed from the Monday of the week 30 days back. */
  coverage(teamId: string): {
    members: number;
    observed: number;
    notObserved: { name: string; lastWeek: string | null }[];
  } {
    const team = this.team(teamId);
    const from = Date.parse(`${monday(this.now.getTime() - 30 * DAY)}T00:00:00Z`);
    const seen = new Set(
      this.observed()
        .filter((o) => o.teamId === teamId && Date.parse(o.at) >= from)
        .map((o) => o.memberId),
    );
    const lastWeek = (id: string) =>
      this.observed()
        .filter((o) => o.teamId === teamId && o.memberId === id)
        .map((o) => monday(o.at))
        .sort()
        .at(-1) ?? null;
    return {
      members: team.members.length,
      observed: team.members.filter((m) => seen.has(m.objectId)).length,
      notObserved: team.members
        .filter((m) => !seen.has(m.objectId))
        .map((m) => ({ name: m.displayName, lastWeek: lastWeek(m.objectId) })),
    };
  }
  challenges(teamId: string): { done: number; sent: number } {
    const start = Date.parse(`${this.log.program.window?.start}T00:00:00Z`);
    const weekEnd = Date.parse(`${plusDays(this.week, 7)}T00:00:00Z`);
    const mine = this.log.completions.filter((c) => c.teamId === teamId && Date.parse(c.at) <= this.now.getTime());
    const fromWeek = monday(`${this.log.program.window?.start}T00:00:00Z`);
    return {
      // Done since the program's first week.
      done: mine.filter((c) => c.outcome === "done" && monday(c.at) >= fromWeek).length,
      // Cards answered are the ones sent (nothing else sends them in the run), by their slot.
      sent: mine.filter((c) => Date.parse(c.slot) >= start && Date.parse(c.slot) < weekEnd).length,
    };
  }

  /** The program's teams of the learner: a learner counts in the first program team they belong to. */
  private learnerSide(learnerId: string): Side | undefined {
    for (const { teamId, role } of this.log.program.teams)
      if (this.team(teamId).members.some((m) => m.objectId === learnerId)) return role;
    return undefined;
  }
  /** Activity per side with `keep` deciding by each record's month. */
  engagement(keep: (month: string) => boolean) {
    const counts = () => ({ observations: 0, challengesDone: 0, challengesSkipped: 0, nudgeResponses: 0 });
    const out = { pilot: counts(), comparison: counts() };
    const upToNow = (at: string) => Date.parse(at) <= this.now.getTime() && keep(monthOf(at));
    for (const o of this.log.observations) if (upToNow(o.at)) out[this.roleOf(o.teamId)].observations++;
    for (const c of this.log.completions)
      if (upToNow(c.at)) out[this.roleOf(c.teamId)][c.outcome === "done" ? "challengesDone" : "challengesSkipped"]++;
    for (const n of this.log.nudges) {
      const side = this.learnerSide(n.learnerId);
      if (side && upToNow(n.at)) out[side].nudgeResponses++;
    }
    return out;
  }
  /** Skills checks whose month passes `keep`; a pair counts in the month of its later half. */
  skillsCheck(keep: (month: string) => boolean) {
    const results = this.log.skills.filter((s) => Date.parse(s.at) <= this.now.getTime());
    const pre = results.filter((s) => s.phase === "pre" && keep(monthOf(s.at)));
    const post = results.filter((s) => s.phase === "post" && keep(monthOf(s.at)));
    const pairs = results
      .filter((s) => s.phase === "post")
      .flatMap((p) => {
        const before = results.find((s) => s.phase === "pre" && s.learnerId === p.learnerId);
        if (!before) return [];
        const later = Date.parse(before.at) > Date.parse(p.at) ? before.at : p.at;
        return keep(monthOf(later)) ? [{ pre: before.score / before.maxScore, post: p.score / p.maxScore }] : [];
      });
    const preMean = mean(pairs.map((p) => p.pre));
    const postMean = mean(pairs.map((p) => p.post));
    return {
      pre: pre.length,
      post: post.length,
      pairs: pairs.length,
      preMean: { value: preMean, people: pairs.length },
      postMean: { value: postMean, people: pairs.length },
      change: { value: preMean === null || postMean === null ? null : postMean - preMean, people: pairs.length },
    };
  }

  /** KPI values as stored, dated on or before `upTo`, for one series (a team's, or the organisation's: null). */
  values(kpiId: string, teamId: string | null, upTo = "9999-12-31") {
    return [...this.log.kpiValues.values()]
      .filter((v) => v.kpiId === kpiId && v.teamId === teamId && v.date <= upTo)
      .sort((a, b) => (a.date < b.date ? -1 : 1));
  }
  /** A series' month value: its last value dated in that month. */
  monthValue(kpiId: string, teamId: string | null, month: string, upTo = "9999-12-31"): number | null {
    return (
      this.values(kpiId, teamId, upTo)
        .filter((v) => v.date.startsWith(month))
        .at(-1)?.value ?? null
    );
  }
  sideMonth(kpiId: string, side: Side, month: string, upTo = "9999-12-31") {
    const values = this.sideTeams(side).flatMap((t) => {
      const v = this.monthValue(kpiId, t, month, upTo);
      return v === null ? [] : [v];
    });
    return { value: mean(values), teams: values.length };
  }
  /** Months with a value of a KPI for the program (its teams', or the organisation's), up to `upTo`. */
  kpiMonths(kpiId: string, upTo = "9999-12-31"): string[] {
    const level = this.log.kpis.find((k) => k.id === kpiId)?.level;
    const teams = level === "organisation" ? [null] : this.log.program.teams.map((t) => t.teamId);
    return [...new Set(teams.flatMap((t) => this.values(kpiId, t, upTo).map((v) => v.date.slice(0, 7))))].sort();
  }
  progress(kpiId: string, value: number | null): number | null {
    const kpi = this.log.kpis.find((k) => k.id === kpiId);
    if (!kpi?.target || value === null) return null;
    return (value - kpi.baseline.value) / (kpi.target.value - kpi.baseline.value);
  }

  /** The review's months: from the earliest of the start, a KPI value and a record, to now's month. */
  reviewRange(): { first: string; last: string; latestWithData: string | null } {
    const last = this.today.slice(0, 7);
    const records = [
      ...this.log.observations.map((o) => o.at),
      ...this.log.completions.map((c) => c.at),
      ...this.log.nudges.map((n) => n.at),
      ...this.log.skills.map((s) => s.at),
    ]
      .filter((at) => Date.parse(at) <= this.now.getTime())
      .map(monthOf);
    const withData = [...records, ...this.log.kpis.flatMap((k) => this.kpiMonths(k.id))]
      .filter((m) => m <= last)
      .sort();
    const starts = [this.log.program.window?.start.slice(0, 7) ?? last, withData[0] ?? last].sort();
    const first = (starts[0] ?? last) < last ? (starts[0] ?? last) : last;
    return { first, last, latestWithData: withData.at(-1) ?? null };
  }
  /** The week a month's review shows adoption for: the last whole week in the month, or now's week. */
  reviewWeek(month: string): string {
    let week = monday(`${lastDay(month)}T00:00:00Z`);
    if (plusDays(week, 6) > lastDay(month)) week = plusDays(week, -7);
    return week < this.week ? week : this.week;
  }

  /**
   * The difference in differences of team means before and after the start, values up to `upTo`, over the
   * teams that take part: two dated values before the start and one after.
   */
  did(upTo: string): number | null {
    const start = this.log.program.window?.start ?? "";
    const change = (teamId: string) => {
      const values = this.values("win-rate", teamId, upTo);
      const before = values.filter((v) => v.date < start);
      const after = values.filter((v) => v.date >= start);
      if (new Set(before.map((v) => v.date)).size < 2 || after.length < 1) return null;
      const b = mean(before.map((v) => v.value));
      const a = mean(after.map((v) => v.value));
      return a === null || b === null ? null : a - b;
    };
    const side = (s: Side) => mean(this.sideTeams(s).flatMap((t) => (change(t) === null ? [] : [change(t) as number])));
    const p = side("pilot");
    const c = side("comparison");
    return p === null || c === null ? null : p - c;
  }

  /** A team's KPI change for the chain: its last month value after the start month minus its last before it. */
  teamChange(kpiId: string, teamId: string, month: string): number | null {
    const startMonth = this.log.program.window?.start.slice(0, 7) ?? "";
    const upTo = lastDay(month);
    const byMonth = this.kpiMonths(kpiId, upTo).filter((m) => m <= month);
    const before = byMonth.filter((m) => m < startMonth).flatMap((m) => this.monthValue(kpiId, teamId, m, upTo) ?? []);
    const after = byMonth.filter((m) => m > startMonth).flatMap((m) => this.monthValue(kpiId, teamId, m, upTo) ?? []);
    const b = before.at(-1);
    const a = after.at(-1);
    return a === undefined || b === undefined ? null : a - b;
  }
  /** The chain's relation: over teams whose adoption may be shown and that have a KPI change. */
  relation(behaviourId: string, kpiId: string, month: string): { teams: number; correlation: number | null } {
    const week = this.reviewWeek(month);
    const sign = this.log.kpis.find((k) => k.id === kpiId)?.direction === "lower_is_better" ? -1 : 1;
    const pairs = this.log.program.teams.flatMap(({ teamId }) => {
      const a = shown(this.adoption([teamId], behaviourId, week), this.minimum);
      const change = this.teamChange(kpiId, teamId, month);
      return typeof a === "number" && change !== null ? [[a, sign * change] as const] : [];
    });
    if (pairs.length < 4) return { teams: pairs.length, correlation: null };
    const mx = mean(pairs.map((p) => p[0])) ?? 0;
    const my = mean(pairs.map((p) => p[1])) ?? 0;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (const [x, y] of pairs) {
      sxy += (x - mx) * (y - my);
      sxx += (x - mx) ** 2;
      syy += (y - my) ** 2;
    }
    return { teams: pairs.length, correlation: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null };
  }
}

export { SIDES, type Side };
