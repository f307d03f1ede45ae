import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { deliveryReport, POSSIBLE_DUPLICATE } from "../../src/delivery/index.js";
import { newTenantId, testStorageTarget } from "../support/storage.js";
import { dueDeliveries, simulatorForFile, storageWithOwnQueue, TEST_QUEUE_SHARDS, workerFor } from "./support.js";

const connector = simulatorForFile();

/** Starts a worker process, waits until it stands at `point`, and kills it there with SIGKILL. */
async function killWorkerAt(point: "claim" | "send", queue: string): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/delivery/crash-worker.ts"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      STORAGE_CONNECTION_STRING: testStorageTarget().connectionString,
      QUEUE: queue,
      QUEUE_SHARDS: String(TEST_QUEUE_SHARDS),
      APP_ID: connector.appId,
      APP_PASSWORD: connector.appPassword,
      LOGIN_URL: connector.sim.loginUrl,
      OPENID_METADATA_URL: connector.sim.openIdMetadataUrl,
      STALL_AT: point,
      VISIBILITY_SECONDS: "2",
    },
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once("exit", (_code, signal) => resolve(signal)),
  );
  const said = await new Promise<string>((resolve, reject) => {
    child.once("message", (m) => resolve(String(m)));
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before reaching ${point}`)));
  });
  expect(said).toBe(`stalled-after-${point}`);
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
}

/** Lets a surviving worker run until the delivery is no longer pending (the dead one's claim and message expire after 2 s). */
async function recover(
  storage: Awaited<ReturnType<typeof storageWithOwnQueue>>,
  tenantId: string,
  objectId: string,
  id: string,
) {
  const worker = workerFor(storage, connector.messenger);
  // Generous: the dead worker's claim and message expire after 2 s, but a loaded machine may take much longer.
  const deadline = Date.now() + 120_000;
  for (;;) {
    await worker.runOnce();
    const row = await storage.deliveries.get(tenantId, objectId, id);
    if (row?.value.status !== "scheduled" || Date.now() > deadline) return row?.value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("crash recovery (a worker process killed with SIGKILL)", () => {
  it("between claim and send: the claim and the message expire, another worker sends it once; nothing lost", {
    timeout: 180_000,
  }, async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 1);
    const d = deliveries[0];
    const conversationId = conversations[0]?.conversationId ?? "";
    if (!d) throw new Error("no delivery");

    await killWorkerAt("claim", storage.deliveryQueue.name);
    const claimed = await storage.deliveries.get(tenantId, d.recipientObjectId, d.id);
    expect(claimed?.value).toMatchObject({ status: "scheduled", attempts: 1 });
    expect(claimed?.value.claimedUntil).toBeTruthy();
    expect(connector.sim.accepted(conversationId)).toBe(0);

    const recovered = await recover(storage, tenantId, d.recipientObjectId, d.id);
    expect(recovered).toMatchObject({ status: "sent", attempts: 2 });
    expect(connector.sim.accepted(conversationId)).toBe(1);
    // The claim is written just before the send (it is the sending mark): from the row alone the survivor
    // cannot tell whether the request left, so it flags the send.
    expect(recovered?.lastError).toBe(POSSIBLE_DUPLICATE);
    expect(await storage.deliveryQueue.approximateCount()).toBe(0);
  });

  it("between send and record: the survivor sends again — the one duplicate, counted and reported", {
    timeout: 180_000,
  }, async () => {
    const storage = await storageWithOwnQueue();
    const tenantId = newTenantId();
    const { deliveries, conversations } = await dueDeliveries(storage, tenantId, connector.sim.serviceUrl, 1);
    const d = deliveries[0];
    const conversationId = conversations[0]?.conversationId ?? "";
    if (!d) throw new Error("no delivery");

    await killWorkerAt("send", storage.deliveryQueue.name);
    expect(connector.sim.accepted(conversationId)).toBe(1);
    expect((await storage.deliveries.get(tenantId, d.recipientObjectId, d.id))?.value.status).toBe("scheduled");

    const recovered = await recover(storage, tenantId, d.recipientObjectId, d.id);
    expect(recovered).toMatchObject({ status: "sent", lastError: POSSIBLE_DUPLICATE });
    expect(connector.sim.accepted(conversationId)).toBe(2);
    expect(recovered?.activityId).toBe(connector.sim.activities(conversationId)[1]?.activityId);
    const report = await deliveryReport(storage, tenantId, "prog-1");
    expect(report.counts.sent).toBe(1);
    expect(report.possibleDuplicates).toBe(1);
  });
});
