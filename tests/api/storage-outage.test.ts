import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningAzurite, startAzurite } from "../../src/dev/azurite.js";
import { openStorage, type Storage, storageAccount } from "../../src/storage/index.js";
import { seedWorld, startApi } from "./api-harness.js";

/**
 * Storage going away under a running app, for real: an Azurite of this test's own, with its data on disk,
 * stopped and started again on the same ports. No storage call is stubbed.
 */
let azurite: RunningAzurite;
let dataDir: string;
/** The limits a deployment runs with (the config's defaults): 3 s a try, one retry. */
const requests = { timeoutMs: 3_000, retries: 1 };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "throughline-outage-"));
  azurite = await startAzurite({ location: dataDir });
});
afterAll(async () => {
  await azurite?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function storageOver(connectionString: string): Storage {
  return openStorage(storageAccount({ kind: "connectionString", connectionString }, requests));
}

/** A request with a generous limit of its own: the point is the answer (503, not a hang or a 500). */
async function timed(url: string, init: RequestInit = {}) {
  const started = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  return { res, ms: Math.round(performance.now() - started), body: await res.json() };
}

const botMessage = (tenantId: string, text: string) => ({
  type: "message",
  id: randomUUID(),
  channelId: "msteams",
  serviceUrl: "http://127.0.0.1:9/",
  from: { id: "29:someone", aadObjectId: randomUUID() },
  recipient: { id: "28:bot" },
  conversation: { id: `a:${randomUUID()}`, conversationType: "personal", tenantId },
  channelData: { tenant: { id: tenantId } },
  text,
});

describe("storage outage", () => {
  it("answers 503 with Retry-After while storage is down, says why at /readyz, and loses nothing acknowledged", async () => {
    const storage = storageOver(azurite.connectionString);
    await storage.ensure();
    const api = await startApi({ storage });
    try {
      const world = await seedWorld(api);
      const admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
      const auth = { authorization: `Bearer ${admin}`, "content-type": "application/json" };
      const acknowledged = await timed(`${api.base}/api/v1/programs`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ id: "before-outage", name: "Saved before the outage" }),
      });
      expect(acknowledged.res.status).toBe(201);

      const ports = azurite.ports;
      await azurite.stop();

      const read = await timed(`${api.base}/api/v1/programs/before-outage`, { headers: auth });
      const write = await timed(`${api.base}/api/v1/programs`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ id: "during-outage", name: "Refused during the outage" }),
      });
      const bot = await timed(`${api.base}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(botMessage(world.tenantId, "help")),
      });
      const ready = await timed(`${api.base}/readyz`);
      for (const answer of [read, write, bot]) {
        expect(answer.res.status).toBe(503);
        expect(answer.res.headers.get("retry-after")).toBe("5");
        expect(answer.body).toEqual({
          error: "unavailable",
          reason: "storage is not available; nothing was changed, try again shortly",
        });
      }
      expect(ready.res.status).toBe(503);
      expect(ready.body).toEqual({ status: "unavailable", reason: "storage is not reachable: ECONNREFUSED" });
      console.info(
        `storage down: API read ${read.ms} ms, write ${write.ms} ms, bot ${bot.ms} ms, /readyz ${ready.ms} ms to 503`,
      );

      azurite = await startAzurite({ location: dataDir, ports });
      for (let attempt = 0; attempt < 60; attempt++) {
        if ((await fetch(`${api.base}/readyz`)).status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const after = await timed(`${api.base}/api/v1/programs/before-outage`, { headers: auth });
      expect(after.res.status).toBe(200);
      expect(after.body.name).toBe("Saved before the outage");
      expect(await storage.programs.get(world.tenantId, "during-outage")).toBeUndefined();
      const retried = await timed(`${api.base}/api/v1/programs`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ id: "during-outage", name: "Refused during the outage" }),
      });
      expect(retried.res.status).toBe(201);
    } finally {
      await api.stop();
    }
  });

  it("a storage that accepts connections and never answers: 503 once the call times out, never a hang", async () => {
    const sockets: Socket[] = [];
    const blackHole: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const port = (blackHole.address() as { port: number }).port;
    const storage = storageOver(
      azurite.connectionString.replace(
        /(Table|Queue|Blob)Endpoint=http:\/\/127\.0\.0\.1:\d+/g,
        `$1Endpoint=http://127.0.0.1:${port}`,
      ),
    );
    const api = await startApi({ storage });
    try {
      const tenantId = api.freshTenant();
      const token = await api.entra.token({ tenantId, objectId: randomUUID() });
      const read = await timed(`${api.base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(read.res.status).toBe(503);
      expect(read.res.headers.get("retry-after")).toBe("5");
      const bot = await timed(`${api.base}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(botMessage(tenantId, "help")),
      });
      expect(bot.res.status).toBe(503);
      const ready = await timed(`${api.base}/readyz`);
      expect(ready.res.status).toBe(503);
      expect(ready.body.reason).toMatch(/^storage is not reachable: (no answer within 3000 ms|the call timed out)$/);
      console.info(`storage silent: API ${read.ms} ms, bot ${bot.ms} ms, /readyz ${ready.ms} ms to 503`);
    } finally {
      await api.stop();
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  });
});
