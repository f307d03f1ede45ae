import type { TeamFigures } from "../../src/dashboard/index.js";
import { lastDay, months, type Oracle, plusDays, SIDES, shown } from "./oracle.js";
import type { Outputs } from "./outputs.js";

/** Each figure compared, and every disagreement with where it was. */
export class Ledger {
  compared = 0;
  readonly disagreements: string[] = [];
  /** What the expected figures were: shown numbers, withheld, empty (null), other. */
  readonly kinds = { number: 0, withheld: 0, null: 0, other: 0 };
  /** Figures compared per screen or export, and what else is worth counting (the reviews' effect statuses). */
  readonly by: Record<string, number> = {};

  count(key: string): void {
    this.by[key] = (this.by[key] ?? 0) + 1;
  }

  same(path: string, actual: unknown, expected: unknown): void {
    this.compared++;
    const [screen] = path.split(".");
    this.count(path.includes(".csv.") ? `${screen}.csv` : (screen ?? ""));
    const kind =
      typeof expected === "number"
        ? "number"
        : expected === "withheld"
          ? "withheld"
          : expected === null
            ? "null"
            : "other";
    this.kinds[kind]++;
    if (process.env.DEBUG_LEDGER && expected === "withheld" && this.kinds.withheld < 5)
      console.log("withheld", path, actual);
    if (!equal(actual, expected))
      this.disagreements.push(`${path}: shown ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  if (a === undefined && b === null) return false;
  return a === b;
}

/** A number as the CSV writes it (four decimals), "withheld", or empty. */
const cell = (v: number | null | "withheld" | undefined) =>
  v === null || v === undefined ? "" : v === "withheld" ? "withheld" : String(Number(v.toFixed(4)));

const trendOf = (direction: string, values: number[]) => {
  const [before, last] = values.slice(-2);
  if (values.length < 2 || before === undefined || last === undefined) return "unknown";
  if (Math.abs(last - before) < 1e-9) return "flat";
  return (direction === "higher_is_better") === last > before ? "improving" : "worsening";
};

/** Compares every figure of every screen and export with the oracle's; returns the ledger it filled. */
export function reconcile(out: Outputs, o: Oracle, ledger = new Ledger()): Ledger {
  const { log } = o;
  const program = log.program;
  const behaviours = o.behaviours();
  const startMonth = program.window?.start.slice(0, 7) ?? "";
  const endMonth = program.window?.end.slice(0, 7) ?? "";
  const nowMonth = o.today.slice(0, 7);
  const describe = (v: number | null | "withheld") =>
    v === null
      ? "not observed in the last 4 weeks"
      : v === "withheld"
        ? `withheld (fewer than ${o.minimum} people observed)`
        : `${Math.round(v * 100)}%`;

  const teamFigures = (path: string, teamId: string, figures: TeamFigures, people: boolean) => {
    behaviours.forEach((b, i) => {
      const shownB = figures.behaviours[i];
      ledger.same(`${path}.behaviours.${i}.id`, shownB?.behaviourId, b.id);
      o.chartWeeks().forEach((week, k) => {
        const point = shownB?.weeks[k];
        ledger.same(`${path}.${b.id}.weeks.${week}.week`, point?.week, week);
        ledger.same(
          `${path}.${b.id}.weeks.${week}.adoption`,
          point?.adoption,
          shown(o.adoption([teamId], b.id, week), o.minimum),
        );
        ledger.same(
          `${path}.${b.id}.weeks.${week}.observations`,
          point?.observations,
          o.observationsIn(teamId, week, week, b.id),
        );
      });
      ledger.same(
        `${path}.${b.id}.current`,
        shownB?.currentAdoption,
        shown(o.adoption([teamId], b.id, o.week), o.minimum),
      );
    });
    const coverage = o.coverage(teamId);
    ledger.same(`${path}.coverage.members`, figures.coverage.members, coverage.members);
    ledger.same(`${path}.coverage.observed`, figures.coverage.observed, coverage.observed);
    const notObserved = people ? coverage.notObserved : [];
    ledger.same(`${path}.coverage.notObserved`, figures.coverage.notObserved.length, notObserved.length);
    notObserved.forEach((m, k) => {
      ledger.same(`${path}.coverage.notObserved.${k}.name`, figures.coverage.notObserved[k]?.displayName, m.name);
      ledger.same(
        `${path}.coverage.notObserved.${k}.week`,
        figures.coverage.notObserved[k]?.lastObservedWeek,
        m.lastWeek,
      );
    });
    ledger.same(
      `${path}.recentObservations`,
      figures.recentObservations,
      o.observationsIn(teamId, plusDays(o.week, -21), o.week),
    );
    ledger.same(
      `${path}.observationCount`,
      figures.observationCount,
      o.observationsIn(teamId, plusDays(o.week, -98), o.week),
    );
  };

  const kpiDefinition = (path: string, shownKpi: { id: string; role: string; level: string }, kpiId: string) => {
    const kpi = log.kpis.find((k) => k.id === kpiId);
    ledger.same(`${path}.id`, shownKpi.id, kpiId);
    ledger.same(`${path}.role`, shownKpi.role, kpiId === program.outcomeKpiId ? "outcome" : "leading");
    ledger.same(`${path}.level`, shownKpi.level, kpi?.level);
  };
  const sideMonthsOf = (
    path: string,
    shownMonths: {
      month: string;
      pilot: number | null;
      comparison: number | null;
      pilotTeams: number;
      comparisonTeams: number;
      team: number | null;
    }[],
    kpiId: string,
    teamId: string | null,
  ) => {
    const all = [
      ...new Set([...o.kpiMonths(kpiId), ...(teamId ? o.values(kpiId, teamId).map((v) => v.date.slice(0, 7)) : [])]),
    ].sort();
    ledger.same(`${path}.bySide.length`, shownMonths.length, all.length);
    all.forEach((month, k) => {
      const m = shownMonths[k];
      ledger.same(`${path}.bySide.${month}.month`, m?.month, month);
      for (const side of SIDES) {
        const expected = o.sideMonth(kpiId, side, month);
        ledger.same(`${path}.bySide.${month}.${side}`, m?.[side], expected.value);
        ledger.same(`${path}.bySide.${month}.${side}Teams`, m?.[`${side}Teams`], expected.teams);
      }
      ledger.same(`${path}.bySide.${month}.team`, m?.team, teamId ? o.monthValue(kpiId, teamId, month) : null);
    });
  };

  // The manager view and the team chart of every team: one team's figures, the same in both.
  for (const team of log.teams) {
    const view = out.managers.get(team.id);
    const p = view?.programs[0];
    ledger.same(`manager.${team.id}.programs`, view?.programs.length, 1);
    if (!p) continue;
    ledger.same(`manager.${team.id}.role`, p.role, team.role);
    teamFigures(`manager.${team.id}`, team.id, p, true);
    const challenges = o.challenges(team.id);
    ledger.same(`manager.${team.id}.challenges.done`, p.challenges.done, challenges.done);
    ledger.same(`manager.${team.id}.challenges.sent`, p.challenges.sent, challenges.sent);
    log.kpis.forEach((kpi, k) => {
      const path = `manager.${team.id}.kpis.${kpi.id}`;
      const shownKpi = p.kpis[k];
      if (!shownKpi) {
        ledger.same(path, undefined, kpi.id);
        return;
      }
      kpiDefinition(path, shownKpi, kpi.id);
      const own = o.values(kpi.id, kpi.level === "team" ? team.id : null);
      ledger.same(
        `${path}.series`,
        JSON.stringify(shownKpi.series),
        JSON.stringify(own.map((v) => ({ date: v.date, value: v.value }))),
      );
      const last = own.at(-1);
      ledger.same(`${path}.current.value`, shownKpi.current?.value ?? null, last?.value ?? null);
      ledger.same(`${path}.current.asOf`, shownKpi.current?.asOf ?? null, last?.date ?? null);
      ledger.same(`${path}.progress`, shownKpi.progress, o.progress(kpi.id, last?.value ?? null));
      ledger.same(
        `${path}.trend`,
        shownKpi.trend,
        trendOf(
          kpi.direction,
          own.map((v) => v.value),
        ),
      );
      if (kpi.level === "team") sideMonthsOf(path, shownKpi.bySide, kpi.id, team.id);
      else ledger.same(`${path}.bySide`, shownKpi.bySide.length, 0);
    });
    const chart = out.charts.get(team.id);
    if (!chart) {
      ledger.same(`chart.${team.id}`, undefined, team.id);
      continue;
    }
    ledger.same(`chart.${team.id}.name`, chart.name, team.name);
    ledger.same(`chart.${team.id}.role`, chart.role, team.role);
    teamFigures(`chart.${team.id}`, team.id, chart, false);

    // The bot's team card: the same figures in words.
    const card = out.cards.get(team.id) ?? "";
    const expectText = (path: string, text: string) => ledger.same(path, card.includes(text) ? text : card, text);
    expectText(`card.${team.id}.name`, `${team.name} · ${program.name}`);
    for (const b of behaviours)
      expectText(
        `card.${team.id}.${b.id}`,
        `${b.name}: ${describe(shown(o.adoption([team.id], b.id, o.week), o.minimum))}`,
      );
    expectText(
      `card.${team.id}.observations`,
      `${o.observationsIn(team.id, plusDays(o.week, -21), o.week)} in the last 4 weeks`,
    );
    const coverage = o.coverage(team.id);
    expectText(`card.${team.id}.coverage`, `${coverage.observed} of ${coverage.members} in the last 30 days`);
  }

  // The program view.
  const pv = out.program;
  ledger.same("program.week", pv.week, o.week);
  behaviours.forEach((b, i) => {
    for (const side of SIDES) {
      const expected = shown(o.adoption(o.sideTeams(side), b.id, o.week), o.minimum);
      ledger.same(`program.chain.${b.id}.${side}`, pv.chain.behaviours[i]?.[`${side}Adoption`], expected);
    }
    o.chartWeeks().forEach((week, k) => {
      const point = pv.trend[i]?.weeks[k];
      ledger.same(`program.trend.${b.id}.${week}.week`, point?.week, week);
      for (const side of SIDES)
        ledger.same(
          `program.trend.${b.id}.${week}.${side}`,
          point?.[side],
          shown(o.adoption(o.sideTeams(side), b.id, week), o.minimum),
        );
    });
  });
  program.teams.forEach(({ teamId, role }, j) => {
    const line = pv.teams[j];
    const team = o.team(teamId);
    const coverage = o.coverage(teamId);
    ledger.same(`program.teams.${teamId}.id`, line?.teamId, teamId);
    ledger.same(`program.teams.${teamId}.name`, line?.name, team.name);
    ledger.same(`program.teams.${teamId}.role`, line?.role, role);
    ledger.same(`program.teams.${teamId}.members`, line?.coverage.members, coverage.members);
    ledger.same(`program.teams.${teamId}.observed`, line?.coverage.observed, coverage.observed);
    ledger.same(
      `program.teams.${teamId}.recent`,
      line?.recentObservations,
      o.observationsIn(teamId, plusDays(o.week, -21), o.week),
    );
    for (const b of behaviours)
      ledger.same(
        `program.teams.${teamId}.${b.id}`,
        line?.adoption[b.id],
        shown(o.adoption([teamId], b.id, o.week), o.minimum),
      );
  });
  log.kpis.forEach((kpi, k) => {
    const path = `program.kpis.${kpi.id}`;
    const shownKpi = pv.kpis[k];
    if (!shownKpi) {
      ledger.same(path, undefined, kpi.id);
      return;
    }
    kpiDefinition(path, shownKpi, kpi.id);
    if (kpi.level === "team") {
      sideMonthsOf(path, shownKpi.bySide, kpi.id, null);
      const pilot = o.kpiMonths(kpi.id).flatMap((m) => {
        const v = o.sideMonth(kpi.id, "pilot", m).value;
        return v === null ? [] : [{ month: m, value: v }];
      });
      ledger.same(`${path}.current.value`, shownKpi.current?.value ?? null, pilot.at(-1)?.value ?? null);
      ledger.same(`${path}.current.asOf`, shownKpi.current?.asOf ?? null, pilot.at(-1)?.month ?? null);
      ledger.same(`${path}.progress`, shownKpi.progress, o.progress(kpi.id, pilot.at(-1)?.value ?? null));
      ledger.same(
        `${path}.trend`,
        shownKpi.trend,
        trendOf(
          kpi.direction,
          pilot.map((p) => p.value),
        ),
      );
    } else {
      const own = o.values(kpi.id, null);
      ledger.same(`${path}.current.value`, shownKpi.current?.value ?? null, own.at(-1)?.value ?? null);
      ledger.same(`${path}.progress`, shownKpi.progress, o.progress(kpi.id, own.at(-1)?.value ?? null));
    }
  });
  const engagement = o.engagement((m) => m <= nowMonth);
  for (const side of SIDES)
    for (const [key, value] of Object.entries(engagement[side]))
      ledger.same(
        `program.engagement.${side}.${key}`,
        pv.engagement[side][key as keyof typeof engagement.pilot],
        value,
      );
  const skills = o.skillsCheck((m) => m <= nowMonth);
  ledger.same("program.prePost.pre", pv.prePost.pre, skills.pre);
  ledger.same("program.prePost.post", pv.prePost.post, skills.post);
  ledger.same("program.prePost.pairs", pv.prePost.pairs, skills.pairs);
  ledger.same("program.prePost.preMean", pv.prePost.preMean, shown(skills.preMean, o.minimum));
  ledger.same("program.prePost.postMean", pv.prePost.postMean, shown(skills.postMean, o.minimum));
  ledger.same("program.prePost.change", pv.prePost.change, shown(skills.change, o.minimum));

  // The monthly reviews, page and CSV, for every month there is one.
  const range = o.reviewRange();
  ledger.same("reviews.first", out.months.first, range.first);
  ledger.same("reviews.last", out.months.last, range.last);
  ledger.same("reviews.latestWithData", out.months.latestWithData, range.latestWithData);
  for (const month of months(range.first, range.last)) {
    const review = out.reviews.get(month);
    const rows = out.csvs.get(month) ?? [];
    const path = `review.${month}`;
    if (!review) {
      ledger.same(path, undefined, month);
      continue;
    }
    const started = month >= startMonth;
    const week = o.reviewWeek(month);
    const csvRow = (section: string, item: string) => rows.find((r) => r.section === section && r.item === item);
    const csvSame = (p: string, section: string, item: string, column: string, expected: string) =>
      ledger.same(`${path}.csv.${p}`, csvRow(section, item)?.[column], expected);
    ledger.same(`${path}.stage`, review.stage, !started ? "not-started" : month > endMonth ? "ended" : "running");
    ledger.same(`${path}.asOf`, review.asOf, lastDay(month) < o.today ? lastDay(month) : o.today);
    ledger.same(`${path}.adoptionWeeks.from`, review.adoptionWeeks?.from ?? null, started ? plusDays(week, -21) : null);
    ledger.same(`${path}.adoptionWeeks.to`, review.adoptionWeeks?.to ?? null, started ? plusDays(week, 6) : null);
    let link = 0;
    for (const b of behaviours)
      for (const kpiId of b.kpiIds) {
        const shownLink = review.chain[link];
        const csvLink = rows.filter((r) => r.section === "chain")[link];
        link++;
        const lp = `${path}.chain.${b.id}.${kpiId}`;
        ledger.same(`${lp}.ids`, `${shownLink?.behaviourId}/${shownLink?.kpiId}`, `${b.id}/${kpiId}`);
        for (const side of SIDES) {
          const expected = started ? shown(o.adoption(o.sideTeams(side), b.id, week), o.minimum) : null;
          ledger.same(`${lp}.${side}`, shownLink?.adoption[side], expected);
          ledger.same(`${lp}.csv.${side}`, csvLink?.[side], cell(expected));
        }
        const relation = started ? o.relation(b.id, kpiId, month) : { teams: 0, correlation: null };
        ledger.same(`${lp}.relation.teams`, shownLink?.relation.teams, relation.teams);
        ledger.same(`${lp}.relation.correlation`, shownLink?.relation.correlation, relation.correlation);
        ledger.same(`${lp}.csv.correlation`, csvLink?.value, cell(relation.correlation));
      }
    const skillsTo = o.skillsCheck((m) => m <= month);
    ledger.same(`${path}.skills.pairs`, review.skillsCheck.pairs, skillsTo.pairs);
    ledger.same(`${path}.skills.pre`, review.skillsCheck.pre, skillsTo.pre);
    ledger.same(`${path}.skills.post`, review.skillsCheck.post, skillsTo.post);
    for (const [key, label] of [
      ["preMean", "mean score before"],
      ["postMean", "mean score after"],
      ["change", "change"],
    ] as const) {
      const expected = shown(skillsTo[key], o.minimum);
      ledger.same(`${path}.skills.${key}`, review.skillsCheck[key], expected);
      csvSame(`skills.${key}`, "skills check", label, "value", cell(expected));
    }
    const monthEngagement = o.engagement((m) => m === month);
    const toDate = o.engagement((m) => m <= month);
    for (const side of SIDES)
      for (const key of Object.keys(monthEngagement[side]) as (keyof typeof monthEngagement.pilot)[]) {
        ledger.same(
          `${path}.engagement.month.${side}.${key}`,
          review.engagement.month[side][key],
          monthEngagement[side][key],
        );
        ledger.same(`${path}.engagement.toDate.${side}.${key}`, review.engagement.toDate[side][key], toDate[side][key]);
        csvSame(
          `engagement.${key}.${side}`,
          "engagement",
          `${key} in ${month}`,
          side,
          String(monthEngagement[side][key]),
        );
        csvSame(`engagement.${key}.toDate.${side}`, "engagement", `${key} to date`, side, String(toDate[side][key]));
      }

    const upTo = lastDay(month);
    log.kpis.forEach((kpi, k) => {
      const story = review.kpis[k];
      const sp = `${path}.kpis.${kpi.id}`;
      if (!story) {
        ledger.same(sp, undefined, kpi.id);
        return;
      }
      kpiDefinition(sp, story, kpi.id);
      const first = o.kpiMonths(kpi.id, upTo)[0];
      const expectedMonths = first ? months(first, month) : [];
      ledger.same(`${sp}.months`, story.months.join(","), expectedMonths.join(","));
      const series = kpi.level === "team" ? SIDES : (["organisation"] as const);
      for (const s of series) {
        const side = s === "organisation" ? story.organisation : story.sides?.[s];
        const monthFigure = (m: string) =>
          s === "organisation"
            ? { value: o.monthValue(kpi.id, null, m, upTo), teams: 1 }
            : o.sideMonth(kpi.id, s, m, upTo);
        let current: { month: string; value: number } | null = null;
        expectedMonths.forEach((m, i) => {
          const expected = monthFigure(m);
          ledger.same(`${sp}.${s}.${m}`, side?.values[i], expected.value);
          if (s !== "organisation") ledger.same(`${sp}.${s}.${m}.teams`, side?.teams[i], expected.teams);
          const column = s === "organisation" ? "value" : s;
          csvSame(`kpi.${kpi.id}.${s}.${m}`, "kpi month", `${kpi.name} ${m}`, column, cell(expected.value));
          if (expected.value !== null) current = { month: m, value: expected.value };
        });
        const c = current as { month: string; value: number } | null;
        ledger.same(`${sp}.${s}.current`, side?.current?.value ?? null, c?.value ?? null);
        ledger.same(`${sp}.${s}.currentMonth`, side?.current?.month ?? null, c?.month ?? null);
        ledger.same(`${sp}.${s}.progress`, side?.progress ?? null, o.progress(kpi.id, c?.value ?? null));
        const column = s === "organisation" ? "value" : s;
        csvSame(`kpi.${kpi.id}.${s}.current`, "kpi current", kpi.name, column, cell(c?.value ?? null));
      }
      let teamRows = 0;
      program.teams.forEach(({ teamId }, j) => {
        const shownTeam = story.teams[j];
        const team = o.team(teamId);
        if (kpi.level !== "team") return;
        ledger.same(`${sp}.teams.${teamId}.name`, shownTeam?.name, team.name);
        expectedMonths.forEach((m, i) => {
          const expected = o.monthValue(kpi.id, teamId, m, upTo);
          ledger.same(`${sp}.teams.${teamId}.${m}`, shownTeam?.values[i], expected);
          if (expected !== null) {
            teamRows++;
            csvSame(
              `kpi.${kpi.id}.${teamId}.${m}`,
              "kpi team",
              `${kpi.name} ${m} ${team.name}`,
              "value",
              cell(expected),
            );
          }
        });
      });
      ledger.same(
        `${sp}.csv.teamRows`,
        rows.filter((r) => r.section === "kpi team" && r.item?.startsWith(`${kpi.name} `)).length,
        teamRows,
      );
    });

    // The effect: nothing before the start; an estimate is the difference in differences of values up to the month.
    const effect = review.effect;
    ledger.count(`effect:${effect?.status ?? "none"}`);
    if (!started) ledger.same(`${path}.effect`, effect, null);
    else if (effect?.status === "estimate" || effect?.status === "pre-trend") {
      ledger.same(`${path}.effect.estimate`, effect.estimate, o.did(upTo));
      const v = program.valuation;
      if (v && effect.status === "estimate" && effect.claimsEffect) {
        const sign = log.kpis[0]?.direction === "higher_is_better" ? 1 : -1;
        const benefit = sign * (o.did(upTo) ?? 0) * v.unitWorth;
        ledger.same(`${path}.value.benefit`, review.value.benefit?.estimate, benefit);
        ledger.same(`${path}.value.net`, review.value.netBenefit?.estimate, benefit - v.cost);
        ledger.same(`${path}.value.roi`, review.value.roiPercent?.estimate, ((benefit - v.cost) / v.cost) * 100);
        csvSame("value.roi", "value", "ROI %", "value", cell(((benefit - v.cost) / v.cost) * 100));
      } else ledger.same(`${path}.value.roi`, review.value.roiPercent, null);
    } else {
      if (effect?.status === "descriptive") ledger.same(`${path}.effect.gap`, effect.gap, o.did(upTo));
      ledger.same(`${path}.value.roi`, review.value.roiPercent, null);
    }
  }
  return ledger;
}
