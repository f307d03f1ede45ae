import {
  type EffectEstimate,
  type EffectOptions,
  estimateEffect,
  normal,
  seededRandom,
  type TeamSeries,
} from "../../src/measure/effect/index.js";

/**
 * The seeded simulation behind the effect estimate's promises (tests/measure/effect-simulation.test.ts runs it
 * small, `npm run bench:effect` large). Panels look like monthly KPI data: six monthly values before the
 * start and four after, each team with its own level and noise, a shock each month shared by every team.
 */
export const KPI = { name: "win rate", unit: "%", direction: "higher_is_better" as const };
export const START = "2026-07-01";
export const MONTHS = [
  "2026-01-31",
  "2026-02-28",
  "2026-03-31",
  "2026-04-30",
  "2026-05-31",
  "2026-06-30",
  "2026-07-31",
  "2026-08-31",
  "2026-09-30",
  "2026-10-31",
];
const BEFORE = MONTHS.filter((m) => m < START).length;

/** The true effect in the coverage runs, in points. */
export const TRUE_EFFECT = 2;
/**
 * The pre-trend: pilot teams drifting up 0.3 points a month relative to comparison teams, from six months
 * before the start on, and carrying on after it, with no effect of the program. Over the six months before
 * the start that is 1.8 points, about one team's month-to-month noise (sd 0.5 to 2.5, 1.5 on average). With
 * the old estimate (before the pre-trend check), 4 v 4, it claimed an effect in 113 of 200 runs and warned in
 * 48: the size of what was reported (117 and 40).
 */
export const PRE_TREND_SLOPE = 0.3;

export interface SimulationDesign {
  name: string;
  pilot: number;
  comparison: number;
  /** A team's month-to-month noise (standard deviation, points). */
  noise(random: () => number, role: TeamSeries["role"]): number;
  /** A pilot team's own effect, given the mean effect. */
  teamEffect(random: () => number, effect: number): number;
}

const usualNoise = (random: () => number) => 0.5 + 2 * random();
const sameEffect = (_: () => number, effect: number) => effect;

export const DESIGNS: readonly SimulationDesign[] = [
  { name: "4 v 4", pilot: 4, comparison: 4, noise: usualNoise, teamEffect: sameEffect },
  { name: "5 v 5", pilot: 5, comparison: 5, noise: usualNoise, teamEffect: sameEffect },
  {
    name: "unequal noise: 6 v 4, comparison teams 3x noisier",
    pilot: 6,
    comparison: 4,
    noise: (random, role) => (role === "pilot" ? 0.5 + 0.5 * random() : 1.5 + 1.5 * random()),
    teamEffect: sameEffect,
  },
  {
    name: "effects varying by team: 5 v 5, each pilot team 0 to 2x the mean",
    pilot: 5,
    comparison: 5,
    noise: usualNoise,
    teamEffect: (random, effect) => effect * 2 * random(),
  },
  { name: "20 v 20", pilot: 20, comparison: 20, noise: usualNoise, teamEffect: sameEffect },
];

export interface Panel {
  teams: TeamSeries[];
  /** The mean of the pilot teams' own effects: what the estimate estimates. */
  effect: number;
}

export function simulatedPanel(design: SimulationDesign, seed: number, effect: number, slope = 0): Panel {
  const random = seededRandom(seed);
  const monthShock = MONTHS.map(() => normal(random));
  const effects: number[] = [];
  const teams = Array.from({ length: design.pilot + design.comparison }, (_, t) => {
    const role = t < design.pilot ? ("pilot" as const) : ("comparison" as const);
    const level = 28 + 3 * normal(random);
    const noise = design.noise(random, role);
    const own = role === "pilot" ? design.teamEffect(random, effect) : 0;
    if (role === "pilot") effects.push(own);
    return {
      teamId: `team-${t}`,
      role,
      values: MONTHS.map((date, m) => ({
        date,
        value:
          level +
          (monthShock[m] ?? 0) +
          noise * normal(random) +
          (role === "pilot" ? slope * (m - BEFORE) + (date >= START ? own : 0) : 0),
      })),
    };
  });
  return { teams, effect: effects.reduce((a, b) => a + b, 0) / effects.length };
}

export interface SimulationRow {
  design: string;
  runs: number;
  /** Effect TRUE_EFFECT, parallel trends: the 90% interval holds the pilot teams' mean effect. */
  coverage: number;
  /** Effect TRUE_EFFECT, parallel trends: an effect is claimed (the power). */
  claimsWithEffect: number;
  /** No effect, parallel trends: an effect is claimed. */
  falseClaims: number;
  /** No effect, parallel trends: a pre-trend caution or withheld claim anyway. */
  falseWarnings: number;
  /** No effect, pre-trend: a pre-trend caution or withheld claim. */
  preTrendWarnedOrWithheld: number;
  /** No effect, pre-trend: an effect is claimed all the same. */
  preTrendFalseClaims: number;
  /** No effect, pre-trend: the interval alone leaves out zero (what an estimate without the check claims). */
  preTrendIntervalAloneClaims: number;
}

const warnedOrWithheld = (e: EffectEstimate) =>
  e.status === "pre-trend" || (e.status === "estimate" && !e.preTrend.movedAlike);
const claims = (e: EffectEstimate) => (e.status === "estimate" || e.status === "pre-trend") && e.claimsEffect;
const intervalExcludesZero = (e: EffectEstimate) =>
  (e.status === "estimate" || e.status === "pre-trend") && (e.interval[0] > 0 || e.interval[1] < 0);

/** `runs` seeded runs of each scenario on one design; the same arguments give the same row. */
export function simulate(design: SimulationDesign, runs: number, options: EffectOptions = {}): SimulationRow {
  const count = { covered: 0, power: 0, falseClaims: 0, falseWarnings: 0, flagged: 0, trendClaims: 0, alone: 0 };
  for (let run = 1; run <= runs; run++) {
    const estimate = (panel: Panel) =>
      estimateEffect({ kpi: KPI, start: START, teams: panel.teams }, { ...options, seed: run });
    const withEffect = simulatedPanel(design, 1_000_000 + run, TRUE_EFFECT);
    const effect = estimate(withEffect);
    if (effect.status !== "estimate" && effect.status !== "pre-trend") throw new Error(`no estimate: ${effect.status}`);
    if (effect.interval[0] <= withEffect.effect && withEffect.effect <= effect.interval[1]) count.covered++;
    if (claims(effect)) count.power++;
    const none = estimate(simulatedPanel(design, 2_000_000 + run, 0));
    if (claims(none)) count.falseClaims++;
    if (warnedOrWithheld(none)) count.falseWarnings++;
    const trend = estimate(simulatedPanel(design, 3_000_000 + run, 0, PRE_TREND_SLOPE));
    if (warnedOrWithheld(trend)) count.flagged++;
    if (claims(trend)) count.trendClaims++;
    if (intervalExcludesZero(trend)) count.alone++;
  }
  const share = (n: number) => n / runs;
  return {
    design: design.name,
    runs,
    coverage: share(count.covered),
    claimsWithEffect: share(count.power),
    falseClaims: share(count.falseClaims),
    falseWarnings: share(count.falseWarnings),
    preTrendWarnedOrWithheld: share(count.flagged),
    preTrendFalseClaims: share(count.trendClaims),
    preTrendIntervalAloneClaims: share(count.alone),
  };
}
