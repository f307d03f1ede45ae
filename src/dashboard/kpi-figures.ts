import { type Kpi, kpiProgress, type Program } from "../domain/index.js";
import { kpiComparison, monthlyValues, readKpiSeries, type SideMonth } from "../measure/rollups/index.js";
import type { Storage } from "../storage/index.js";

/** What a KPI is, as every view labels it: the program's outcome (lagging) or one of its leading metrics. */
export interface KpiDefinition {
  id: string;
  name: string;
  unit: string;
  direction: Kpi["direction"];
  level: Kpi["level"];
  /** The program's lagging outcome, or a leading metric (an indicator, which may have no target). */
  role: "outcome" | "leading";
  baseline: { value: number; date: string };
  /** Null for a leading indicator without a target. */
  target: { value: number; date: string } | null;
}

export interface KpiFigures extends KpiDefinition {
  /** The team's own values (a manager's view) or the organisation's (an organisation-wide KPI); else empty. */
  series: { date: string; value: number }[];
  /**
   * The team's or the organisation's latest value (asOf: its date); program-wide for a per-team KPI, the pilot
   * teams' mean in the latest month any pilot team has a value (asOf: that month).
   */
  current: { value: number; asOf: string } | null;
  /** 0 at baseline, 1 at target, negative when it moved the wrong way; null without a current value or target. */
  progress: number | null;
  trend: "improving" | "worsening" | "flat" | "unknown";
  /**
   * Per-team KPIs by month: each side's mean of its teams' month values (a team's last value in the month)
   * and, in a team's view, the team's own month value.
   */
  bySide: (SideMonth & { team: number | null })[];
}

export function kpiDefinition(kpi: Kpi, program: Program): KpiDefinition {
  return {
    id: kpi.id,
    name: kpi.name,
    unit: kpi.unit,
    direction: kpi.direction,
    level: kpi.level,
    role: kpi.id === program.outcomeKpiId ? "outcome" : "leading",
    baseline: kpi.baseline,
    target: kpi.target,
  };
}

/** The program's KPIs, outcome first, by id. */
export function programKpiIds(program: Program): string[] {
  return [program.outcomeKpiId, ...program.leadingKpiIds].filter((id): id is string => Boolean(id));
}

export function trendOf(direction: Kpi["direction"], values: readonly number[]): KpiFigures["trend"] {
  const last = values.at(-1);
  const before = values.at(-2);
  if (last === undefined || before === undefined) return "unknown";
  const delta = last - before;
  if (Math.abs(delta) < 1e-9) return "flat";
  const better = direction === "higher_is_better" ? delta > 0 : delta < 0;
  return better ? "improving" : "worsening";
}

/**
 * A KPI as one team sees it (teamId) or across the program (teamId null), with the sides by month. From the
 * KPI's rollups: the team's or organisation's series row and the program's comparison row.
 */
export async function kpiFigures(
  storage: Pick<Storage, "kpis" | "rollups">,
  program: Program,
  kpiId: string,
  teamId: string | null,
): Promise<KpiFigures | null> {
  const t = program.tenantId;
  // Read side by side as if the KPI were per team (most are); an organisation KPI then reads its one series.
  const [found, ownSeries, bySide] = await Promise.all([
    storage.kpis.get(t, kpiId),
    teamId ? readKpiSeries(storage, t, kpiId, teamId) : Promise.resolve([]),
    kpiComparison(storage, program, kpiId),
  ]);
  const kpi = found?.value;
  if (!kpi) return null;
  const definition = kpiDefinition(kpi, program);
  if (kpi.level === "organisation") {
    const series = await readKpiSeries(storage, t, kpiId, null);
    return withCurrent(kpi, definition, series, [], series.at(-1), series);
  }
  if (teamId) {
    const own = monthlyValues(ownSeries);
    const months = [...new Set([...bySide.map((m) => m.month), ...own.keys()])].sort();
    const sides = new Map(bySide.map((m) => [m.month, m]));
    const withTeam = months.map((month) => ({
      ...(sides.get(month) ?? { month, pilot: null, comparison: null, pilotTeams: 0, comparisonTeams: 0 }),
      team: own.get(month) ?? null,
    }));
    return withCurrent(kpi, definition, ownSeries, withTeam, ownSeries.at(-1), ownSeries);
  }
  const pilot = bySide.flatMap((m) => (m.pilot === null ? [] : [{ date: m.month, value: m.pilot }]));
  return withCurrent(
    kpi,
    definition,
    [],
    bySide.map((m) => ({ ...m, team: null })),
    pilot.at(-1),
    pilot,
  );
}

function withCurrent(
  kpi: Kpi,
  definition: KpiDefinition,
  series: { date: string; value: number }[],
  bySide: KpiFigures["bySide"],
  latest: { date: string; value: number } | undefined,
  trendFrom: readonly { value: number }[],
): KpiFigures {
  return {
    ...definition,
    series,
    current: latest ? { value: latest.value, asOf: latest.date } : null,
    progress: latest ? kpiProgress(kpi, latest.value) : null,
    trend: trendOf(
      kpi.direction,
      trendFrom.map((p) => p.value),
    ),
    bySide,
  };
}

export async function programKpis(
  storage: Pick<Storage, "kpis" | "rollups">,
  program: Program,
  teamId: string | null,
): Promise<KpiFigures[]> {
  const figures = await Promise.all(programKpiIds(program).map((id) => kpiFigures(storage, program, id, teamId)));
  return figures.filter((f): f is KpiFigures => f !== null);
}
