import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.js";
import { ValidationError } from "../domain/index.js";
import { openConfiguredStorage } from "../measure/cli/open-storage.js";
import { importRosterCsv, rosterColumns } from "./import-roster-csv.js";

const help = `Creates teams, or replaces their rosters, from a CSV export (HR system or directory).

usage: npm run import:teams -- FILE --tenant TENANT_ID [--dry-run]

  FILE        CSV, one person per row, with the columns ${rosterColumns.join(", ")} and optionally locale.
              role is manager or member; each team has exactly one manager row. object_id is the person's
              Entra object id; time_zone an IANA zone such as Europe/London. UTF-8 with or without BOM;
              "," or ";" separators; quoted fields.
  --tenant    the Entra tenant id the teams belong to
  --dry-run   check the file and report, writing nothing

A team named in the file gets exactly the file's roster; teams it does not name are left alone. One bad row
and nothing is written: the report lists every problem by line.

Storage: as for import:kpis (STORAGE_CONNECTION_STRING, STORAGE_ACCOUNT_NAME, or an embedded Azurite on
AZURITE_LOCATION when neither is set; not while \`npm start\` is running on the same folder).`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const file = positionals[0];
  if (values.help || !file || !values.tenant) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  const text = readFileSync(file, "utf8");
  const config = loadConfig(process.env, { dev: process.env.NODE_ENV !== "production" });
  const { storage, close } = await openConfiguredStorage(config);
  try {
    const report = await importRosterCsv(storage, values.tenant, text, {
      mode: values["dry-run"] ? "preview" : "commit",
    });
    for (const issue of report.issues) console.log(`line ${issue.row}: ${issue.field}: ${issue.rule}`);
    if (report.moreIssues > 0) console.log(`… and ${report.moreIssues} more problems`);
    console.log(
      `${report.rows} rows, ${report.teams} teams: ${report.created} created, ${report.replaced} replaced` +
        (report.issues.length > 0 ? "; nothing was written: fix the rows above" : ""),
    );
    return report.issues.length > 0 ? 1 : 0;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof ValidationError) console.error(error.message);
    else console.error(error);
    process.exit(1);
  },
);
