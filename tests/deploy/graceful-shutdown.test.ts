import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { seedBotTenant } from "../bot/support/bot-fixtures.js";
import { type BotConnectorSimulator, startBotConnectorSimulator } from "../support/bot-connector-simulator.js";
import { newTenantId, testStorage } from "../support/storage.js";
import { TEST_API_KEY_PEPPER } from "../support/test-config.js";

const appId = randomUUID();
const appPassword = "a-client-secret";
let sim: BotConnectorSimulator;
let app: ChildProcess | undefined;

beforeAll(async () => {
  sim = await startBotConnectorSimulator({ appId, appPassword });
});
afterAll(async () => {
  if (app && app.exitCode === null && app.signalCode === null) {
    const exited = new Promise((resolve) => app?.once("exit", resolve));
    app.kill("SIGKILL");
    await exited;
  }
  await sim.close();
});

/** A production process (real bot authentication against the simulated channel) stopped by SIGTERM. */
describe("SIGTERM", () => {
  it("stops accepting, lets a card action in flight complete and be recorded, then exits 0", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const seeded = await seedBotTenant(storage, tenantId, new Date());
    app = startProduction(tenantId, "120");
    const output = watch(app);
    const base = (await output.waitFor(/app\s+(http:\/\/localhost:\d+)\//))[1];

    // The card action's token check waits on the channel's keys, held by the simulator: it is in flight.
    const held = sim.holdOpenIdMetadata();
    const deliveryId = seeded.deliveries.challenge.id;
    const action = postCardAction(base ?? "", tenantId, seeded.manager, deliveryId);
    await held.requested;

    app.kill("SIGTERM");
    await output.waitFor(/"msg":"shutting down"/);
    // No longer accepting: a new connection is refused while the action is still in flight.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    held.release();
    const answer = await action;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    const code = await new Promise((resolve) => app?.once("exit", resolve));
    expect(code, output.text()).toBe(0);
    expect(output.text()).toContain('"drained":true');

    expect((await storage.deliveries.get(tenantId, seeded.manager, deliveryId))?.value.status).toBe("completed");
    expect((await storage.challengeCompletions.forPerson(tenantId, seeded.manager)).items).toHaveLength(1);
  }, 180_000);

  it("cuts what is still in flight when the deadline passes, and exits 1 having written nothing half-way", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const seeded = await seedBotTenant(storage, tenantId, new Date());
    app = startProduction(tenantId, "2");
    const output = watch(app);
    const base = (await output.waitFor(/app\s+(http:\/\/localhost:\d+)\//))[1];
    const held = sim.holdOpenIdMetadata();
    const deliveryId = seeded.deliveries.challenge.id;
    // Settled as soon as the connection is cut, which is before the process exits.
    const outcome = postCardAction(base ?? "", tenantId, seeded.manager, deliveryId).then(
      () => "answered",
      () => "cut",
    );
    await held.requested;

    app.kill("SIGTERM");
    const code = await new Promise((resolve) => app?.once("exit", resolve));
    held.release();
    expect(code).toBe(1);
    expect(output.text()).toMatch(
      /"requestsInFlight":1,"deadlineSeconds":2,"msg":"shutdown deadline passed; cutting what is left"/,
    );
    expect(await outcome).toBe("cut");
    expect((await storage.deliveries.get(tenantId, seeded.manager, deliveryId))?.value.status).toBe("sent");
  }, 180_000);
});

/** `src/main.ts` as a deployment runs it (production, no --dev) against the test storage and the simulator. */
function startProduction(tenantId: string, shutdownTimeoutSeconds: string): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: "0",
      LOG_LEVEL: "info",
      STORAGE_CONNECTION_STRING: inject("storageConnectionString"),
      BOT_ID: appId,
      BOT_PASSWORD: appPassword,
      BOT_LOGIN_URL: sim.loginUrl,
      BOT_OPENID_METADATA_URL: sim.openIdMetadataUrl,
      ALLOWED_TENANT_IDS: tenantId,
      AUTH_CLIENT_ID: randomUUID(),
      API_KEY_PEPPER: TEST_API_KEY_PEPPER,
      // The shared test storage holds other tests' queues: this instance plans and sends nothing.
      DELIVERY_WORKERS: "false",
      SHUTDOWN_TIMEOUT_SECONDS: shutdownTimeoutSeconds,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The manager clicks "Done" on a challenge card (Action.Execute), with a token the channel signed. */
async function postCardAction(base: string, tenantId: string, manager: string, deliveryId: string) {
  const data = { verb: "challenge.done", deliveryId };
  return fetch(`${base}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await sim.channelToken()}` },
    body: JSON.stringify({
      type: "invoke",
      name: "adaptiveCard/action",
      id: randomUUID(),
      channelId: "msteams",
      serviceUrl: sim.serviceUrl,
      from: { id: `29:${manager}`, aadObjectId: manager, name: "Maya Manager" },
      recipient: { id: `28:${appId}` },
      conversation: { id: `a:${randomUUID()}`, conversationType: "personal", tenantId },
      channelData: { tenant: { id: tenantId } },
      value: { action: { type: "Action.Execute", verb: "challenge.done", data }, trigger: "manual" },
    }),
  });
}

/** The child's stdout and stderr, with a wait for a line that matches. */
function watch(child: ChildProcess) {
  let text = "";
  const listeners = new Set<() => void>();
  const read = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.on("data", read);
  child.stderr?.on("data", read);
  return {
    text: () => text,
    waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (!match) return;
          listeners.delete(check);
          resolve(match);
        };
        listeners.add(check);
        child.once("exit", (code) => reject(new Error(`exited with ${code} before ${pattern}:\n${text}`)));
        check();
      });
    },
  };
}
