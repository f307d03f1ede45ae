import { type Kpi, type KpiValue, kpiProgress, type Program } from "../domain/index.js";
import type { Storage } from "../storage/index.js";
import { readUpTo } from "./reads.js";

const MAX_POINTS = 500;

export interface KpiFigures {
  id: string;
  name: string;
  unit: string;
  direction: Kpi["direction"];
  level: Kpi["level"];
  role: "outcome" | "leading";
  baseline: { value: number; date: string };
  target: { value: number; date: string };
  current: { value: number; date: string } | null;
  /** 0 at baseline, 1 at target. */
  progress: number | null;
  trend: "improving" | "worsening" | "flat" | "unknown";
  series: { date: string; value: number }[];
  /** Mean of the pilot teams and of the comparison teams per date; empty for organisation-wide KPIs. */
  pilotVsComparison: { date: string; pilot: number | null; comparison: number | null }[];
}

async function seriesOf(storage: Pick<Storage, "kpiValues">, kpi: Kpi, teamId: string | null): Promise<KpiValue[]> {
  const read = await readUpTo(
    (continuationToken) => storage.kpiValues.series(kpi.tenantId, kpi.id, teamId, { continuationToken }),
    MAX_POINTS,
  );
  return read.items;
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

function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/**
 * A KPI as one team sees it (teamId) or across the program (teamId null: the pilot mean), with pilot vs
 * comparison. Reads one series per program team: programs have a handful of teams, not hundreds.
 */
export async function kpiFigures(
  storage: Pick<Storage, "kpis" | "kpiValues">,
  program: Program,
  kpiId: string,
  teamId: string | null,
): Promise<KpiFigures | null> {
  const kpi = (await storage.kpis.get(program.tenantId, kpiId))?.value;
  if (!kpi) return null;
  let series: { date: string; value: number }[];
  let pilotVsComparison: KpiFigures["pilotVsComparison"] = [];
  if (kpi.level === "organisation") {
    series = (await seriesOf(storage, kpi, null)).map(({ date, value }) => ({ date, value }));
  } else {
    const perTeam = await Promise.all(
      program.teams.map(async (t) => ({ ...t, values: await seriesOf(storage, kpi, t.teamId) })),
    );
    const dates = [...new Set(perTeam.flatMap((t) => t.values.map((v) => v.date)))].sort();
    pilotVsComparison = dates.map((date) => {
      const at = (role: "pilot" | "comparison") =>
        mean(
          perTeam
            .filter((t) => t.role === role)
            .flatMap((t) => t.values.filter((v) => v.date === date).map((v) => v.value)),
        );
      return { date, pilot: round(at("pilot")), comparison: round(at("comparison")) };
    });
    series = teamId
      ? (perTeam.find((t) => t.teamId === teamId)?.values ?? []).map(({ date, value }) => ({ date, value }))
      : pilotVsComparison.flatMap((p) => (p.pilot === null ? [] : [{ date: p.date, value: p.pilot }]));
  }
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
  storage: Pick<Storage, "kpis" | "kpiValues">,
  program: Program,
  teamId: string | null,
): Promise<KpiFigures[]> {
  const ids = [program.outcomeKpiId, ...program.leadingKpiIds].filter((id): id is string => Boolean(id));
  const figures = await Promise.all(ids.map((id) => kpiFigures(storage, program, id, teamId)));
  return figures.filter((f): f is KpiFigures => f !== null);
}
