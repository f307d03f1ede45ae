import { createReadStream, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../../config.js";
import { ValidationError } from "../../domain/index.js";
import { importKpiCsv } from "../kpi-import/index.js";
import { updateKpiRollups } from "../rollups/index.js";
import { openConfiguredStorage } from "./open-storage.js";

const help = `Imports KPI values from a CSV file.

usage: npm run import:kpis -- FILE --tenant TENANT_ID [--day-first | --month-first] [--replace] [--accept-valid]

  FILE            CSV with the columns kpi, team, date, value (team empty for an organisation-wide KPI).
                  KPIs and teams by id or by name (case does not matter; accents do). UTF-8 with or
                  without BOM; "," or ";" separators; decimal commas; quoted fields. Dates as 2026-12-31,
                  or 31/12/2026 or 12/31/2026: the order is read off the file's own dates.
  --tenant        the Entra tenant id the values belong to
  --day-first     read dates like 03/04/2026 as 3 April (needed only when no date in the file settles it)
  --month-first   read them as March 4
  --replace       overwrite stored values that differ from the file's (without it, each is a problem)
  --accept-valid  write the valid rows even if some rows are invalid (without it, nothing is written
                  unless every row is valid; the report lists each bad row)

Two different values for one KPI, team and date in the file are a problem on both lines; the same value
twice is counted once. Values dated after today are refused.

Storage: the one configured by STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_NAME. With neither, an
embedded Azurite is started on AZURITE_LOCATION (.data/azurite) — do not do that while \`npm start\` is
running: give STORAGE_CONNECTION_STRING for the Azurite it started instead (it prints its table and queue
endpoints; the account is Azurite's public devstoreaccount1).`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      tenant: { type: "string" },
      "day-first": { type: "boolean", default: false },
      "month-first": { type: "boolean", default: false },
      "accept-valid": { type: "boolean", default: false },
      replace: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const file = positionals[0];
  if (values.help || !file || !values.tenant) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  if (values["day-first"] && values["month-first"]) {
    console.error("choose one of --day-first and --month-first");
    return 2;
  }
  const size = statSync(file).size;
  const config = loadConfig(process.env, { dev: process.env.NODE_ENV !== "production" });
  const { storage, close } = await openConfiguredStorage(config);
  const started = Date.now();
  try {
    const mode = values["accept-valid"] ? "commit-valid" : "commit";
    let bytesRead = 0;
    const open = () => {
      bytesRead = 0;
      const stream = createReadStream(file);
      stream.on("data", (chunk) => {
        bytesRead += chunk.length;
      });
      return stream;
    };
    const report = await importKpiCsv(storage, values.tenant, open, {
      mode,
      dateOrder: values["day-first"] ? "day-first" : values["month-first"] ? "month-first" : undefined,
      replace: values.replace,
      progressEvery: 5000,
      onProgress: (rows) => process.stderr.write(`\r${progressBar(bytesRead / size)} ${rows} rows`),
      afterWrite: (tenantId, kpiId, written) => updateKpiRollups(storage, tenantId, kpiId, written),
    });
    process.stderr.write("\n");
    if (report.question) {
      const { text, example, options } = report.question;
      console.log(text);
      for (const o of options) console.log(`  --${o.answer}: ${example.text} is ${o.reads}`);
      console.log("nothing was written: run again with --day-first or --month-first");
      return 1;
    }
    for (const issue of report.issues) console.log(`line ${issue.row}: ${issue.field}: ${issue.rule}`);
    if (report.moreIssues > 0) console.log(`… and ${report.moreIssues} more problems`);
    for (const note of report.notes) console.log(`line ${note.row}: note: ${note.note}`);
    if (report.moreNotes > 0) console.log(`… and ${report.moreNotes} more notes`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const dates = report.dates?.order ? `; dates read ${report.dates.order} (${report.dates.from})` : "";
    console.log(
      `${report.rows} rows: ${report.validRows} valid, ${report.invalidRows} invalid; ` +
        `${report.duplicates} repeated, ${report.unchanged} already stored, ${report.replaced} replaced; ` +
        `${report.written} written in ${seconds} s${dates}`,
    );
    if (report.invalidRows > 0 && mode === "commit")
      console.log("nothing was written: fix the rows above, or pass --accept-valid to write the valid rows");
    return report.invalidRows > 0 ? 1 : 0;
  } finally {
    await close();
  }
}

function progressBar(share: number): string {
  const width = 30;
  const done = Math.round(Math.min(Math.max(share, 0), 1) * width);
  return `[${"#".repeat(done)}${"-".repeat(width - done)}] ${Math.round(share * 100)}%`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof ValidationError) console.error(error.message);
    else console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
