import type { Kpi } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";

/** What a tenant's KPI values are checked against: its KPIs and its teams. */
export interface KpiCatalogue {
  tenantId: string;
  kpis: Map<string, Kpi>;
  teamIds: Set<string>;
}

/** Reads the tenant's KPIs and team ids page by page (tens to hundreds of each, not millions). */
export async function loadKpiCatalogue(
  storage: Pick<Storage, "kpis" | "teams">,
  tenantId: string,
): Promise<KpiCatalogue> {
  const kpis = new Map<string, Kpi>();
  let token: string | undefined;
  do {
    const page = await storage.kpis.list(tenantId, { pageSize: 1000, continuationToken: token });
    for (const { value } of page.items) kpis.set(value.id, value);
    token = page.continuationToken;
  } while (token);
  const teamIds = new Set<string>();
  do {
    const page = await storage.teams.list(tenantId, { pageSize: 1000, continuationToken: token });
    for (const { value } of page.items) teamIds.add(value.id);
    token = page.continuationToken;
  } while (token);
  return { tenantId: tenantId.toLowerCase(), kpis, teamIds };
}
