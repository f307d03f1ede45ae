/**
 * The app for bench/upload.ts, in a process of its own so the event-loop delay measured here is the
 * server's alone (the uploading client runs in the parent). Seeds a tenant, then answers the parent over IPC:
 * "start" resets and starts the delay histogram, "stop" reports its maximum and 99th percentile.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pino } from "pino";
import { composeThroughline } from "../src/composition.js";
import { loadConfig } from "../src/config.js";
import { onboardTenant } from "../src/onboarding/index.js";
import { openStorage, storageAccount } from "../src/storage/index.js";

const connectionString = process.env.STORAGE_CONNECTION_STRING ?? "";
const tenantId = randomUUID();
const adminId = randomUUID();
const storage = openStorage(storageAccount({ kind: "connectionString", connectionString }));
await storage.ensure();
const config = loadConfig({
  NODE_ENV: "development",
  LOG_LEVEL: "silent",
  STORAGE_CONNECTION_STRING: connectionString,
  AUTH_DEV_MODE: "true",
  BOT_DEV_MODE: "true",
  PLAYGROUND: "false",
  DELIVERY_WORKERS: "false",
  ALLOWED_TENANT_IDS: tenantId,
});
const throughline = await composeThroughline(config, { storage, logger: pino({ level: "silent" }) });
const server = throughline.app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));

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
const teams = Number(process.env.TEAMS ?? 100);
for (let t = 0; t < teams; t++)
  await storage.teams.save({
    id: `team-${t}`,
    tenantId,
    name: `Team ${t}`,
    manager: { objectId: randomUUID(), displayName: "M", timeZone: "UTC" },
    members: [],
  });
const token = await throughline.devIssuer?.sign({ tenantId, objectId: adminId, name: "Bench admin" });

const delay = monitorEventLoopDelay({ resolution: 10 });
/**
 * On a machine shared with other work a stall can be the scheduler's (the process not running) rather than
 * ours. A timer every 5 ms notes the CPU time the process used between two of its ticks: a gap that is
 * mostly CPU is our own synchronous work; a long gap with little CPU is the machine.
 */
let sampler: NodeJS.Timeout | undefined;
let busiestGapCpuMs = 0;
function sample(): void {
  let cpu = process.cpuUsage();
  busiestGapCpuMs = 0;
  sampler = setInterval(() => {
    const used = process.cpuUsage(cpu);
    busiestGapCpuMs = Math.max(busiestGapCpuMs, (used.user + used.system) / 1000);
    cpu = process.cpuUsage();
  }, 5);
}
process.on("message", (message: { type: string }) => {
  if (message.type === "start") {
    delay.reset();
    delay.enable();
    sample();
    process.send?.({ type: "started" });
  } else if (message.type === "stop") {
    delay.disable();
    clearInterval(sampler);
    process.send?.({
      type: "stall",
      maxMs: delay.max / 1e6,
      p99Ms: delay.percentile(99) / 1e6,
      busiestGapCpuMs,
    });
  } else if (message.type === "exit") {
    server.closeAllConnections();
    server.close();
    void throughline.stop().then(() => process.exit(0));
  }
});
process.send?.({
  type: "ready",
  base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  token,
  limits: config.limits,
});
