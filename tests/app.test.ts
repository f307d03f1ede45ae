import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { openStorage, storageAccount } from "../src/storage/index.js";
import { testStorage } from "./support/storage.js";

async function serve(storage: Parameters<typeof createApp>[0]["storage"]) {
  const server = createApp({ storage, logger: pino({ level: "silent" }), readinessTimeoutMs: 2_000 }).listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("health endpoints", () => {
  it("say the process is up and storage answers", async () => {
    const app = await serve(await testStorage());
    try {
      const health = await fetch(`${app.base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      const ready = await fetch(`${app.base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready" });
    } finally {
      await app.close();
    }
  });

  it("say not ready (503) while storage cannot be reached, yet healthy", async () => {
    const unreachable = openStorage(
      storageAccount({
        kind: "connectionString",
        connectionString:
          "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1",
      }),
    );
    const app = await serve(unreachable);
    try {
      expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${app.base}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get("retry-after")).toBe("5");
      expect(await ready.json()).toEqual({ status: "unavailable", reason: "storage is not reachable: ECONNREFUSED" });
    } finally {
      await app.close();
    }
  });
});
