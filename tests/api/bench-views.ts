/**
 * npm run bench:api — how long the tab's heaviest reads take over the demo data on a real (in-memory)
 * Azurite: the manager view, the learner view and the admin's program view, through HTTP with token
 * verification. Prints p50/p95/max and writes .bench/api-views.json. Azurite is not Azure: compare runs
 * with each other, not with production.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { composeThroughline } from "../../src/composition.js";
import { loadConfig } from "../../src/config.js";
import { DEMO_ADMIN, DEMO_MANAGER, DEMO_TENANT_ID, demoObjectId, seedWinRatePilot } from "../../src/demo/index.js";
import { startAzurite } from "../../src/dev/azurite.js";
import { openStorage, storageAccount } from "../../src/storage/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);

const azurite = await startAzurite();
const storage = openStorage(storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }));
await storage.ensure();
await seedWinRatePilot(storage);
const config = loadConfig({
  NODE_ENV: "test",
  STORAGE_CONNECTION_STRING: azurite.connectionString,
  AUTH_DEV_MODE: "true",
  BOT_DEV_MODE: "true",
  DELIVERY_WORKERS: "false",
});
const { app, devIssuer } = await composeThroughline(config, { storage, logger: pino({ level: "silent" }) });
if (!devIssuer) throw new Error("dev mode gives a token issuer");
const issuer = devIssuer;
const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;

const token = (objectId: string, name: string) => issuer.sign({ tenantId: DEMO_TENANT_ID, objectId, name });
const cases = [
  {
    name: "manager view",
    path: `/teams/${DEMO_MANAGER.teamId}/dashboard`,
    token: await token(DEMO_MANAGER.objectId, "m"),
  },
  { name: "learner view", path: "/me/learning", token: await token(demoObjectId("Harry Wilson"), "l") },
  { name: "program view", path: "/programs/discovery-that-wins/view", token: await token(DEMO_ADMIN.objectId, "a") },
  { name: "me", path: "/me", token: await token(DEMO_MANAGER.objectId, "m") },
];

const results: Record<string, { p50: number; p95: number; max: number; bytes: number; rounds: number }> = {};
for (const c of cases) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ROUNDS + 3; i++) {
    const started = performance.now();
    const response = await fetch(`${base}${c.path}`, { headers: { authorization: `Bearer ${c.token}` } });
    const body = await response.text();
    if (!response.ok) throw new Error(`${c.name}: ${response.status} ${body}`);
    if (i >= 3) times.push(performance.now() - started);
    bytes = body.length;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 10) / 10;
  results[c.name] = { p50: at(0.5), p95: at(0.95), max: at(1), bytes, rounds: ROUNDS };
  console.log(`${c.name.padEnd(14)} p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   max ${at(1)} ms   ${bytes} bytes`);
}

mkdirSync(".bench", { recursive: true });
writeFileSync(".bench/api-views.json", JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
server.close();
server.closeAllConnections();
await azurite.stop();
