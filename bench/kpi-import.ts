import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAzurite } from "../src/dev/azurite.js";
import { importKpiCsv, updateKpiRollups } from "../src/measure/index.js";
import { openStorage, storageAccount } from "../src/storage/index.js";

/** Imports a 100,000-row CSV through the streaming importer into a fresh Azurite; reports time and peak heap. */
const ROWS = Number(process.env.ROWS ?? 100_000);
const TEAMS = 100;

const azurite = await startAzurite();
try {
  const storage = openStorage(storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }));
  await storage.ensure();
  const tenantId = randomUUID();
  await storage.kpis.save({
    id: "win-rate",
    tenantId,
    name: "Win rate",
    unit: "%",
    direction: "higher_is_better",
    baseline: { value: 28, date: "2020-01-01" },
    target: { value: 34, date: "2030-12-31" },
    level: "team",
    source: "csv",
  });
  for (let t = 0; t < TEAMS; t++)
    await storage.teams.save({
      id: `team-${t}`,
      tenantId,
      name: `Team ${t}`,
      manager: { objectId: randomUUID(), displayName: "M", timeZone: "UTC" },
      members: [],
    });

  const file = join(tmpdir(), `kpis-${process.pid}.csv`);
  const out = createWriteStream(file);
  out.write("\uFEFFkpi;team;date;value\n");
  for (let i = 0; i < ROWS; i++) {
    const date = new Date(Date.UTC(2020, 0, 1 + Math.floor(i / TEAMS))).toISOString().slice(0, 10);
    out.write(`win-rate;team-${i % TEAMS};${date};${(25 + (i % 100) / 10).toFixed(1).replace(".", ",")}\n`);
  }
  await new Promise((resolve) => out.end(resolve));

  let peakHeap = 0;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const started = Date.now();
  const report = await importKpiCsv(storage, tenantId, () => createReadStream(file), {
    mode: "commit",
    afterWrite: (t, k, v) => updateKpiRollups(storage, t, k, v),
  });
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  rmSync(file);
  const result = {
    rows: report.rows,
    written: report.written,
    seconds: Number(seconds.toFixed(1)),
    rowsPerSecond: Math.round(report.written / seconds),
    peakHeapMb: Number((peakHeap / 1024 / 1024).toFixed(1)),
  };
  console.log(result);
  mkdirSync(".bench", { recursive: true });
  writeFileSync(".bench/kpi-import.json", `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await azurite.stop();
}
