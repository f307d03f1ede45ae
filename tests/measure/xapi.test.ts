import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  exportStatements,
  recordChallengeCompletion,
  recordNudgeResponse,
  recordObservations,
  sendQueuedStatements,
  type XapiStatement,
  xapiOutbox,
} from "../../src/measure/index.js";
import type { Storage } from "../../src/storage/index.js";
import { aKpi, aProgram, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

/** A local LRS: keeps what it accepts, answers with the statuses a test queues up, 200 after that. */
class LocalLrs {
  received: XapiStatement[] = [];
  authorizations: string[] = [];
  answers: number[] = [];
  private server?: Server;
  endpoint = "";

  async start() {
    this.server = createServer(async (req: IncomingMessage, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      this.authorizations.push(`${req.headers.authorization} ${req.headers["x-experience-api-version"]}`);
      const status = this.answers.shift() ?? 200;
      if (status === 200 && req.method === "POST" && req.url === "/xapi/statements")
        this.received.push(...JSON.parse(body));
      res.writeHead(status, { "content-type": "application/json" }).end(status === 200 ? "[]" : '{"error":"x"}');
    });
    this.server.listen(0);
    await new Promise((resolve) => this.server?.once("listening", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/xapi`;
  }

  stop() {
    this.server?.close();
  }
}

const lrs = new LocalLrs();
let storage: Storage;
beforeAll(async () => {
  storage = await testStorage();
  await lrs.start();
});
afterAll(() => lrs.stop());
beforeEach(async () => {
  // The queue is shared by this file's tests: start each from an empty one.
  for (
    let m = await storage.xapiQueue.receive({ max: 32 });
    m.length > 0;
    m = await storage.xapiQueue.receive({ max: 32 })
  )
    for (const message of m) await storage.xapiQueue.delete(message);
  lrs.received = [];
  lrs.answers = [];
});

async function setUp() {
  const tenantId = newTenantId();
  await storage.kpis.save(aKpi(tenantId));
  const program = (await storage.programs.save(aProgram(tenantId))).value;
  const team = (await storage.teams.save(aTeam(tenantId))).value;
  return { tenantId, program, team };
}

const config = () => ({ endpoint: lrs.endpoint, username: "lrs-user", password: "lrs-secret" });
const drain = async (maxRounds = 10) => {
  const totals = { sent: 0, retrying: 0, failed: 0, rejected: 0 };
  for (let i = 0; i < maxRounds; i++) {
    const c = await sendQueuedStatements(storage, config(), { backoffSeconds: () => 0, maxAttempts: 3 });
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += c[k];
    if (c.sent + c.retrying + c.failed + c.rejected === 0) break;
  }
  return totals;
};

describe("xAPI", () => {
  it("turns a completion and observations into statements with Entra accounts, program and KPI context", async () => {
    const { tenantId, program, team } = await setUp();
    const outbox = xapiOutbox(storage, { tenantId, lrsConfigured: true });
    await recordChallengeCompletion(
      storage,
      program,
      {
        tenantId,
        deliveryId: "d-1",
        programId: "prog-1",
        assetId: "challenge-1",
        teamId: "team-a",
        managerObjectId: team.manager.objectId,
        outcome: "done",
        at: "2026-11-03T09:30:00Z",
      },
      outbox,
    );
    const member = team.members[0]?.objectId ?? "";
    await recordObservations(
      storage,
      program,
      "team-a",
      [
        {
          id: randomUUID(),
          tenantId,
          programId: "prog-1",
          teamId: "team-a",
          managerObjectId: team.manager.objectId,
          memberObjectId: member,
          behaviourId: "open-questions",
          levelIndex: 1,
          observedAt: "2026-11-04T10:00:00Z",
        },
      ],
      outbox,
    );
    expect(await drain()).toMatchObject({ sent: 2 });
    expect(lrs.authorizations[0]).toBe(`Basic ${Buffer.from("lrs-user:lrs-secret").toString("base64")} 1.0.3`);
    const [completion, observed] = lrs.received;
    expect(completion).toMatchObject({
      actor: { account: { homePage: `https://login.microsoftonline.com/${tenantId}`, name: team.manager.objectId } },
      verb: { id: "http://adlnet.gov/expapi/verbs/completed" },
      result: { completion: true },
      context: {
        extensions: {
          "urn:throughline:xapi:extension:program": "prog-1",
          "urn:throughline:xapi:extension:kpis": ["win-rate"],
        },
      },
      timestamp: "2026-11-03T09:30:00.000Z",
    });
    expect(observed).toMatchObject({
      actor: { account: { name: member } },
      context: { instructor: { account: { name: team.manager.objectId } } },
      result: { score: { raw: 1, max: 2, scaled: 0.5 } },
    });
  });

  it("retries when the LRS is down or throttling, sends each statement once, and gives up after the limit", async () => {
    const { tenantId, program, team } = await setUp();
    const outbox = xapiOutbox(storage, { tenantId, lrsConfigured: true });
    const nudge = (deliveryId: string) => ({
      tenantId,
      deliveryId,
      programId: "prog-1",
      assetId: "nudge-1",
      learnerObjectId: team.members[1]?.objectId,
      response: "tried it",
      confidence: 4,
      at: "2026-11-05T10:00:00Z",
    });
    await recordNudgeResponse(storage, program, nudge("n-1"), outbox);
    lrs.answers = [503, 429];
    expect(await drain()).toMatchObject({ sent: 1, retrying: 2 });
    expect(lrs.received).toHaveLength(1);

    await recordNudgeResponse(storage, program, nudge("n-2"), outbox);
    lrs.answers = [503, 503, 503, 503];
    expect(await drain()).toMatchObject({ sent: 0, failed: 1 });
    await recordNudgeResponse(storage, program, nudge("n-3"), outbox);
    lrs.answers = [400];
    expect(await drain()).toMatchObject({ rejected: 1 });
    const stored = await storage.xapiStatements.between(tenantId, "2026", "2027");
    expect(stored.items.map((r) => r.status).sort()).toEqual(["failed", "rejected", "sent"]);
  });

  it("never blocks the person: a broken queue loses the send, not the answer", async () => {
    const { tenantId, program, team } = await setUp();
    const missingQueue = {
      ...storage,
      xapiQueue: { send: () => Promise.reject(new Error("queue unavailable")) } as unknown as Storage["xapiQueue"],
    };
    const outbox = xapiOutbox(missingQueue, { tenantId, lrsConfigured: true });
    const result = await recordNudgeResponse(
      storage,
      program,
      {
        tenantId,
        deliveryId: "n-9",
        programId: "prog-1",
        assetId: "nudge-1",
        learnerObjectId: team.members[0]?.objectId,
        response: "ok",
        confidence: 3,
        at: "2026-11-06T10:00:00Z",
      },
      outbox,
    );
    expect(result.recorded).toBe(true);
    expect(await storage.nudgeResponses.get(tenantId, team.members[0]?.objectId ?? "", "n-9")).toBeDefined();
  });

  it("exports a tenant's statements for a date range, and no other tenant's", async () => {
    const { tenantId, program, team } = await setUp();
    const other = await setUp();
    const outbox = xapiOutbox(storage, { tenantId, lrsConfigured: false });
    for (const [id, at] of [
      ["d-1", "2026-10-31T23:59:59Z"],
      ["d-2", "2026-11-01T00:00:00Z"],
      ["d-3", "2026-11-30T12:00:00Z"],
      ["d-4", "2026-12-01T00:00:00Z"],
    ] as const)
      await recordChallengeCompletion(
        storage,
        program,
        {
          tenantId,
          deliveryId: id,
          programId: "prog-1",
          assetId: "challenge-1",
          teamId: "team-a",
          managerObjectId: team.manager.objectId,
          outcome: "done",
          at,
        },
        outbox,
      );
    const november = await exportStatements(
      storage,
      tenantId,
      new Date("2026-11-01T00:00:00Z"),
      new Date("2026-12-01T00:00:00Z"),
    );
    expect(november.map((s) => s.timestamp)).toEqual(["2026-11-01T00:00:00.000Z", "2026-11-30T12:00:00.000Z"]);
    expect(await exportStatements(storage, other.tenantId, new Date("2026-01-01"), new Date("2027-01-01"))).toEqual([]);
    expect(await storage.xapiQueue.receive({ max: 32 })).toEqual([]);
  });
});
