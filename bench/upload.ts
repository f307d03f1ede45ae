/**
 * Large uploads against the app as production composes it (a real Azurite, tokens verified per request):
 * how long the event loop stalls while a 16 MB one-line KPI file, a 16 MB valid KPI file (preview and
 * commit) and a roster near its limit are read, while /healthz is polled all along. Writes .bench/upload.json.
 *
 *   npm run bench:upload            (SIZE_MB=16 by default)
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pino } from "pino";
import { composeThroughline } from "../src/composition.js";
import { loadConfig } from "../src/config.js";
import { startAzurite } from "../src/dev/azurite.js";
import { onboardTenant } from "../src/onboarding/index.js";
import { openStorage, storageAccount } from "../src/storage/index.js";

const MB = 1024 * 1024;
const SIZE = Number(process.env.SIZE_MB ?? 16) * MB;
const TEAMS = 100;

/** A file of `size` bytes made of `line` repeated (numbered by `i`), after `header`. */
function fileOf(header: string, size: number, line: (i: number) => string): Buffer {
  const parts: string[] = [header];
  let length = header.length;
  for (let i = 0; length < size; i++) {
    const next = line(i);
    parts.push(next);
    length += next.length;
  }
  return Buffer.from(parts.join(""), "utf8");
}

const tenantId = randomUUID();
const azurite = await startAzurite();
const storage = openStorage(storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }));
await storage.ensure();
const config = loadConfig({
  NODE_ENV: "development",
  LOG_LEVEL: "silent",
  STORAGE_CONNECTION_STRING: azurite.connectionString,
  AUTH_DEV_MODE: "true",
  BOT_DEV_MODE: "true",
  PLAYGROUND: "false",
  DELIVERY_WORKERS: "false",
  ALLOWED_TENANT_IDS: tenantId,
});
const throughline = await composeThroughline(config, { storage, logger: pino({ level: "silent" }) });
const server = throughline.app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const adminId = randomUUID();
await onboardTenant(storage, { tenantId, displayName: "Bench", adminObjectIds: [adminId] }, new Date());
await storage.kpis.save({
  id: "win-rate",
  tenantId,
  name: "Win rate",
  unit: "%",
  direction: "higher_is_better",
  baseline: { value: 28, date: "2000-01-01" },
  target: { value: 34, date: "2040-12-31" },
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
const token = await throughline.devIssuer?.sign({ tenantId, objectId: adminId, name: "Bench admin" });

const day = (i: number) => new Date(Date.UTC(2000, 0, 1 + Math.floor(i / TEAMS))).toISOString().slice(0, 10);
const files = {
  oneLine: fileOf("kpi,team,date,value,", SIZE, () => "a,"),
  valid: fileOf("kpi,team,date,value\n", SIZE, (i) => `win-rate,team-${i % TEAMS},${day(i)},${25 + (i % 100) / 10}\n`),
  roster: fileOf(
    "team,team_name,role,object_id,display_name,time_zone\n",
    config.limits.rosterCsvBytes - 200,
    (i) =>
      `r-${Math.floor(i / 50)},Roster ${Math.floor(i / 50)},${i % 50 === 0 ? "manager" : "member"},${randomUUID()},Person ${i},Europe/London\n`,
  ),
};

const cases = [
  { name: "KPI CSV, one line, preview", path: "/api/v1/kpi-imports?mode=preview", file: files.oneLine },
  { name: "KPI CSV, one line, commit", path: "/api/v1/kpi-imports?mode=commit", file: files.oneLine },
  { name: "KPI CSV, valid rows, preview", path: "/api/v1/kpi-imports?mode=preview", file: files.valid },
  { name: "KPI CSV, valid rows, commit", path: "/api/v1/kpi-imports?mode=commit", file: files.valid },
  { name: "roster CSV near its limit, preview", path: "/api/v1/team-imports?mode=preview", file: files.roster },
];

const results = [];
// The noise floor: the same polling with no upload, on this machine at this load.
cases.unshift({ name: "idle (no upload), for comparison", path: "", file: Buffer.alloc(0) });
for (const c of cases) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let polling = true;
  let polls = 0;
  let slowestPollMs = 0;
  const poller = (async () => {
    while (polling) {
      const started = performance.now();
      const res = await fetch(`${base}/healthz`);
      await res.text();
      slowestPollMs = Math.max(slowestPollMs, performance.now() - started);
      polls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  delay.enable();
  const started = performance.now();
  const res = c.path
    ? await upload(c.path, c.file)
    : await new Promise<{ status: number; text: string }>((resolve) =>
        setTimeout(() => resolve({ status: 0, text: "{}" }), 10_000),
      );
  const body = JSON.parse(res.text) as Record<string, unknown>;
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  polling = false;
  await poller;
  const result = {
    case: c.name,
    bytes: c.file.length,
    status: res.status,
    answer: summary(body),
    seconds: Number(seconds.toFixed(2)),
    maxEventLoopStallMs: Number((delay.max / 1e6).toFixed(1)),
    p99EventLoopDelayMs: Number((delay.percentile(99) / 1e6).toFixed(1)),
    healthzPolls: polls,
    slowestHealthzMs: Number(slowestPollMs.toFixed(1)),
  };
  console.log(result);
  results.push(result);
}

/** node:http rather than fetch: a commit of 16 MB runs longer than fetch's five-minute wait for headers. */
function upload(path: string, file: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "text/csv", "content-length": file.length },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(file);
  });
}

function summary(body: Record<string, unknown>) {
  const { rows, validRows, invalidRows, written, teams, people, error, moreIssues } = body;
  const issues = Array.isArray(body.issues) ? body.issues.slice(0, 1) : undefined;
  return { error, rows, validRows, invalidRows, written, teams, people, moreIssues, firstIssue: issues?.[0] };
}

const report = {
  at: new Date().toISOString(),
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  limits: config.limits,
  maxEventLoopStallMs: Math.max(...results.filter((r) => r.bytes > 0).map((r) => r.maxEventLoopStallMs)),
  results,
};
mkdirSync(".bench", { recursive: true });
writeFileSync(".bench/upload.json", `${JSON.stringify(report, null, 2)}\n`);
console.log(`max event-loop stall ${report.maxEventLoopStallMs} ms (load ${report.loadAverage.join(" ")})`);
server.closeAllConnections();
server.close();
await throughline.stop();
await azurite.stop();
