/**
 * Large uploads against the app as production composes it (a real Azurite, tokens verified per request):
 * how long the app's event loop stalls while a 16 MB one-line KPI file, a 16 MB valid KPI file (preview and
 * commit) and a roster near its limit are read, with /healthz polled all along. The app runs in a process
 * of its own (bench/upload-server.ts), so the stall measured (perf_hooks monitorEventLoopDelay) is the
 * server's, not this uploading client's. Writes .bench/upload.json.
 *
 *   npm run bench:upload            (SIZE_MB=16 by default)
 */
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { RequestLimits } from "../src/config.js";
import { startAzurite } from "../src/dev/azurite.js";

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

const azurite = await startAzurite();
const child = fork(fileURLToPath(new URL("./upload-server.ts", import.meta.url)), {
  execArgv: ["--import", "tsx"],
  env: { ...process.env, STORAGE_CONNECTION_STRING: azurite.connectionString, TEAMS: String(TEAMS) },
});
const next = <T>(type: string) =>
  new Promise<T>((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      resolve(message as T);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`the app exited (${code})`)));
  });
const { base, token, limits } = await next<{ base: string; token: string; limits: RequestLimits }>("ready");

const day = (i: number) => new Date(Date.UTC(2000, 0, 1 + Math.floor(i / TEAMS))).toISOString().slice(0, 10);
const files = {
  oneLine: fileOf("kpi,team,date,value,", SIZE, () => "a,"),
  valid: fileOf("kpi,team,date,value\n", SIZE, (i) => `win-rate,team-${i % TEAMS},${day(i)},${25 + (i % 100) / 10}\n`),
  roster: fileOf(
    "team,team_name,role,object_id,display_name,time_zone\n",
    limits.rosterCsvBytes - 200,
    (i) =>
      `r-${Math.floor(i / 50)},Roster ${Math.floor(i / 50)},${i % 50 === 0 ? "manager" : "member"},${randomUUID()},Person ${i},Europe/London\n`,
  ),
};

const cases = [
  // The noise floor: the same polling with no upload, on this machine at this load.
  { name: "idle (no upload), for comparison", path: "", file: Buffer.alloc(0) },
  { name: "KPI CSV, one line, preview", path: "/api/v1/kpi-imports?mode=preview", file: files.oneLine },
  { name: "KPI CSV, one line, commit", path: "/api/v1/kpi-imports?mode=commit", file: files.oneLine },
  { name: "KPI CSV, valid rows, preview", path: "/api/v1/kpi-imports?mode=preview", file: files.valid },
  { name: "KPI CSV, valid rows, commit", path: "/api/v1/kpi-imports?mode=commit", file: files.valid },
  { name: "roster CSV near its limit, preview", path: "/api/v1/team-imports?mode=preview", file: files.roster },
];

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
  const { rows, validRows, invalidRows, written, teams, people, error } = body;
  const issues = Array.isArray(body.issues) ? body.issues.slice(0, 1) : undefined;
  return { error, rows, validRows, invalidRows, written, teams, people, firstIssue: issues?.[0] };
}

const results = [];
for (const c of cases) {
  let polling = true;
  let polls = 0;
  let slowestPollMs = 0;
  child.send({ type: "start" });
  await next("started");
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
  const started = performance.now();
  const res = c.path
    ? await upload(c.path, c.file)
    : await new Promise<{ status: number; text: string }>((resolve) =>
        setTimeout(() => resolve({ status: 0, text: "{}" }), 10_000),
      );
  const seconds = (performance.now() - started) / 1000;
  child.send({ type: "stop" });
  const stall = await next<{ maxMs: number; p99Ms: number; busiestGapCpuMs: number }>("stall");
  polling = false;
  await poller;
  const result = {
    case: c.name,
    bytes: c.file.length,
    status: res.status,
    answer: summary(JSON.parse(res.text) as Record<string, unknown>),
    seconds: Number(seconds.toFixed(2)),
    maxEventLoopStallMs: Number(stall.maxMs.toFixed(1)),
    p99EventLoopDelayMs: Number(stall.p99Ms.toFixed(1)),
    // The most CPU the app used between two 5 ms timer ticks: its longest synchronous stretch, whatever the load.
    longestBusyStretchMs: Number(stall.busiestGapCpuMs.toFixed(1)),
    healthzPolls: polls,
    slowestHealthzMs: Number(slowestPollMs.toFixed(1)),
  };
  console.log(result);
  results.push(result);
}

const report = {
  at: new Date().toISOString(),
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  limits,
  maxEventLoopStallMs: Math.max(...results.filter((r) => r.bytes > 0).map((r) => r.maxEventLoopStallMs)),
  longestBusyStretchMs: Math.max(...results.filter((r) => r.bytes > 0).map((r) => r.longestBusyStretchMs)),
  results,
};
mkdirSync(".bench", { recursive: true });
writeFileSync(".bench/upload.json", `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `max event-loop stall ${report.maxEventLoopStallMs} ms, longest busy stretch ${report.longestBusyStretchMs} ms (load ${report.loadAverage.join(" ")})`,
);
child.send({ type: "exit" });
await new Promise((resolve) => child.once("exit", resolve));
await azurite.stop();
