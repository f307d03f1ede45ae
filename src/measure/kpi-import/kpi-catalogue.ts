import type { Kpi } from "../../domain/index.js";
import { NameIndex } from "../../file-input/index.js";
import type { Storage } from "../../storage/index.js";

export interface TeamName {
  id: string;
  name: string;
}

/** What a tenant's KPI values are checked against: its KPIs and its teams, findable by id or name. */
export interface KpiCatalogue {
  tenantId: string;
  kpis: NameIndex<Kpi>;
  teams: NameIndex<TeamName>;
}

/** Reads the tenant's KPIs and teams page by page (tens to hundreds of each, not millions). */
export async function loadKpiCatalogue(
  storage: Pick<Storage, "kpis" | "teams">,
  tenantId: string,
): Promise<KpiCatalogue> {
  const kpis: Kpi[] = [];
  let token: string | undefined;
  do {
    const page = await storage.kpis.list(tenantId, { pageSize: 1000, continuationToken: token });
    kpis.push(...page.items.map((k) => k.value));
    token = page.continuationToken;
  } while (token);
  const teams: TeamName[] = [];
  do {
    const page = await storage.teams.list(tenantId, { pageSize: 1000, continuationToken: token });
    teams.push(...page.items.map(({ value }) => ({ id: value.id, name: value.name })));
    token = page.continuationToken;
  } while (token);
  return {
    tenantId: tenantId.toLowerCase(),
    kpis: new NameIndex(
      kpis,
      (k) => k.id,
      (k) => k.name,
    ),
    teams: new NameIndex(
      teams,
      (t) => t.id,
      (t) => t.name,
    ),
  };
}
