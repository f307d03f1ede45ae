import type { KpiValue } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";

/** The latest value of each series of a KPI (per team, or "_org"), kept on write by updateKpiRollups. */
export interface KpiLatest {
  series: Record<string, { date: string; value: number }>;
}

export const kpiScope = (kpiId: string) => `kpi.${kpiId}`;
export const KPI_LATEST_ROW = "latest";
export const seriesKey = (teamId: string | null) => teamId ?? "_org";

export function applyKpiValues(latest: KpiLatest, values: readonly KpiValue[]): void {
  for (const v of values) {
    const key = seriesKey(v.teamId);
    const current = latest.series[key];
    if (!current || v.date >= current.date) latest.series[key] = { date: v.date, value: v.value };
  }
}

export async function readKpiLatest(storage: Pick<Storage, "rollups">, tenantId: string, kpiId: string) {
  return (
    (await storage.rollups.get<KpiLatest>(tenantId, kpiScope(kpiId), KPI_LATEST_ROW))?.value.data ?? { series: {} }
  );
}
