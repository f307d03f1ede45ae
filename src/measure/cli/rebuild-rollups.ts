import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../../config.js";
import type { Program } from "../../domain/index.js";
import { kpiComparison, rebuildKpiRollups, rebuildRollups } from "../rollups/index.js";
import { openConfiguredStorage } from "./open-storage.js";

const help = `Recomputes rollups from the raw records (observations, answers, KPI values).

usage: npm run rollups:rebuild -- --tenant TENANT_ID [--program PROGRAM_ID]

Without --program every program of the tenant is rebuilt, then every KPI's series and latest values, then
each program's KPI pilot vs comparison.
Storage as for import:kpis: STORAGE_CONNECTION_STRING (e.g. the Azurite a running \`npm start\` prints),
STORAGE_ACCOUNT_NAME, or with neither an embedded Azurite on AZURITE_LOCATION.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { tenant: { type: "string" }, program: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help || !values.tenant) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  const tenantId = values.tenant;
  const { storage, close } = await openConfiguredStorage(
    loadConfig(process.env, { dev: process.env.NODE_ENV !== "production" }),
  );
  try {
    const programs: Program[] = [];
    let token: string | undefined;
    do {
      const page = await storage.programs.list(tenantId, { pageSize: 1000, continuationToken: token });
      for (const { value: program } of page.items) {
        if (values.program && program.id !== values.program) continue;
        programs.push(program);
        const { rows } = await rebuildRollups(storage, program);
        console.log(`program ${program.id}: ${rows} rollup rows`);
      }
      token = page.continuationToken;
    } while (token);
    if (!values.program) {
      do {
        const page = await storage.kpis.list(tenantId, { pageSize: 1000, continuationToken: token });
        for (const { value: kpi } of page.items) {
          const latest = await rebuildKpiRollups(storage, tenantId, kpi.id);
          console.log(`kpi ${kpi.id}: ${Object.keys(latest.series).length} series`);
        }
        token = page.continuationToken;
      } while (token);
      // The rebuilt KPIs outdate every stored comparison; computing them now spares the next viewer.
      for (const program of programs)
        for (const kpiId of [program.outcomeKpiId, ...program.leadingKpiIds])
          if (kpiId) await kpiComparison(storage, program, kpiId);
    }
    return 0;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `rebuild failed: ${String(error)}`);
    process.exit(1);
  },
);
