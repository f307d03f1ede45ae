import type { KpiValue } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";
import { updateRollup } from "./update-rollup.js";

/** The latest value of each series of a KPI (per team, or "_org"), kept on write. */
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

/** Moves each series' latest value forward (a value for an older date changes nothing). */
export async function updateKpiLatest(
  storage: Pick<Storage, "rollups">,
  tenantId: string,
  kpiId: string,
  values: readonly KpiValue[],
): Promise<void> {
  await updateRollup<KpiLatest>(
    storage,
    tenantId,
    kpiScope(kpiId),
    KPI_LATEST_ROW,
    () => ({ series: {} }),
    (l) => applyKpiValues(l, values),
  );
}

export async function readKpiLatest(storage: Pick<Storage, "rollups">, tenantId: string, kpiId: string) {
  return (
    (await storage.rollups.get<KpiLatest>(tenantId, kpiScope(kpiId), KPI_LATEST_ROW))?.value.data ?? { series: {} }
  );
}

/** Recomputes a KPI's latest values from every stored value (the rebuild of this rollup). */
export async function rebuildKpiLatest(
  storage: Pick<Storage, "rollups" | "kpiValues">,
  tenantId: string,
  kpiId: string,
): Promise<KpiLatest> {
  const latest: KpiLatest = { series: {} };
  let token: string | undefined;
  do {
    const page = await storage.kpiValues.list(tenantId, kpiId, { pageSize: 1000, continuationToken: token });
    applyKpiValues(latest, page.items);
    token = page.continuationToken;
  } while (token);
  await storage.rollups.overwrite({
    tenantId: tenantId.toLowerCase(),
    scope: kpiScope(kpiId),
    rowKey: KPI_LATEST_ROW,
    data: latest,
  });
  return latest;
}
