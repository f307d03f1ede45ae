import { type Kpi, kpiProgress, type Program } from "../domain/index.js";
import { kpiComparison, readKpiSeries } from "../measure/rollups/index.js";
import type { Storage } from "../storage/index.js";

const MAX_POINTS = 500;

export interface KpiFigures {
  id: string;
  name: string;
  unit: string;
  direction: Kpi["direction"];
  level: Kpi["level"];
  /** The program's lagging outcome, or a leading metric (an indicator, which may have no target). */
  role: "outcome" | "leading";
  baseline: { value: number; date: string };
  target: { value: number; date: string } | null;
  current: { value: number; date: string } | null;
  /** 0 at baseline, 1 at target; null without a current value or a target. */
  progress: number | null;
  trend: "improving" | "worsening" | "flat" | "unknown";
  series: { date: string; value: number }[];
  /** Mean of the pilot teams and of the comparison teams per date; empty for organisation-wide KPIs. */
  pilotVsComparison: { date: string; pilot: number | null; comparison: number | null }[];
}

function trendOf(kpi: Kpi, series: readonly { value: number }[]): KpiFigures["trend"] {
  const last = series.at(-1);
  const before = series.at(-2);
  if (!last || !before) return "unknown";
  const delta = last.value - before.value;
  if (Math.abs(delta) < 1e-9) return "flat";
  const better = kpi.direction === "higher_is_better" ? delta > 0 : delta < 0;
  return better ? "improving" : "worsening";
}

/**
 * A KPI as one team sees it (teamId) or across the program (teamId null: the pilot mean), with pilot vs
 * comparison. From the KPI's rollups: the team's series row and the program's comparison, never the raw values.
 */
export async function kpiFigures(
  storage: Pick<Storage, "kpis" | "rollups">,
  program: Program,
  kpiId: string,
  teamId: string | null,
): Promise<KpiFigures | null> {
  const t = program.tenantId;
  // Read side by side as if the KPI were team-level (most are); an organisation KPI then reads its one series.
  const [found, ownSeries, comparison] = await Promise.all([
    storage.kpis.get(t, kpiId),
    teamId ? readKpiSeries(storage, t, kpiId, teamId) : Promise.resolve(null),
    kpiComparison(storage, program, kpiId),
  ]);
  const kpi = found?.value;
  if (!kpi) return null;
  let series: { date: string; value: number }[];
  let pilotVsComparison: KpiFigures["pilotVsComparison"] = [];
  if (kpi.level === "organisation") {
    series = await readKpiSeries(storage, t, kpiId, null);
  } else {
    pilotVsComparison = comparison.map((p) => ({
      date: p.date,
      pilot: round(p.pilot),
      comparison: round(p.comparison),
    }));
    series =
      ownSeries ?? pilotVsComparison.flatMap((p) => (p.pilot === null ? [] : [{ date: p.date, value: p.pilot }]));
  }
  series = series.slice(-MAX_POINTS);
  const current = series.at(-1) ?? null;
  return {
    id: kpi.id,
    name: kpi.name,
    unit: kpi.unit,
    direction: kpi.direction,
    level: kpi.level,
    role: kpi.id === program.outcomeKpiId ? "outcome" : "leading",
    baseline: kpi.baseline,
    target: kpi.target,
    current,
    progress: current ? round(kpiProgress(kpi, current.value)) : null,
    trend: trendOf(kpi, series),
    series,
    pilotVsComparison,
  };
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

export async function programKpis(
  storage: Pick<Storage, "kpis" | "rollups">,
  program: Program,
  teamId: string | null,
): Promise<KpiFigures[]> {
  const ids = [program.outcomeKpiId, ...program.leadingKpiIds].filter((id): id is string => Boolean(id));
  const figures = await Promise.all(ids.map((id) => kpiFigures(storage, program, id, teamId)));
  return figures.filter((f): f is KpiFigures => f !== null);
}
