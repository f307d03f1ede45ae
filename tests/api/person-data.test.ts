import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { TableServiceClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { programView } from "../../src/dashboard/index.js";
import type { Program, Team } from "../../src/domain/index.js";
import {
  computeRollups,
  isRebuiltRow,
  programScope,
  rebuildRollups,
  recordChallengeCompletion,
  recordNudgeResponse,
  recordObservations,
  recordSkillsCheckResult,
  subjectRef,
  xapiOutbox,
} from "../../src/measure/index.js";
import { onboardTenant } from "../../src/onboarding/index.js";
import { aKpi, aProgram, aTeam, now, person } from "../support/fixtures.js";
import { testStorageTarget } from "../support/storage.js";
import { TEST_API_KEY_PEPPER } from "../support/test-config.js";
import { type Api, startApi } from "./api-harness.js";

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.stop());

interface Populated {
  tenantId: string;
  program: Program;
  team: Team;
  admin: string;
  adminId: string;
  leaver: string;
  stayer: string;
}

/** A tenant where one learner has left traces everywhere a person can: answers, observations, xAPI, chats. */
async function populated(): Promise<Populated> {
  const { storage } = api;
  const tenantId = api.freshTenant();
  const adminId = randomUUID();
  const team = (
    await storage.teams.save(aTeam(tenantId, { members: [1, 2, 3, 4, 5].map((i) => person(`Member ${i}`)) }))
  ).value;
  const leaver = team.members[0]?.objectId ?? "";
  const stayer = team.members[1]?.objectId ?? "";
  // The leaver is also listed as an admin and owns the program: shared rows that must survive their erasure.
  await onboardTenant(storage, { tenantId, adminObjectIds: [adminId, leaver] }, new Date(now));
  await storage.teams.save(aTeam(tenantId, { id: "team-b", name: "B" }));
  await storage.kpis.save(aKpi(tenantId));
  const program = (await storage.programs.save(aProgram(tenantId, { owners: [adminId, leaver] }))).value;
  const outbox = xapiOutbox(storage, { tenantId, lrsConfigured: false });
  const observe = (memberObjectId: string, levelIndex: number) => ({
    id: randomUUID(),
    tenantId,
    programId: "prog-1",
    teamId: team.id,
    managerObjectId: team.manager.objectId,
    memberObjectId,
    behaviourId: "open-questions",
    levelIndex,
    observedAt: "2026-11-16T10:00:00Z",
  });
  await recordObservations(storage, program, team.id, [observe(leaver, 2), observe(stayer, 1)], outbox);
  await recordNudgeResponse(
    storage,
    program,
    {
      tenantId,
      deliveryId: "n-1",
      programId: "prog-1",
      assetId: "nudge-1",
      learnerObjectId: leaver,
      response: "done",
      confidence: 3,
      at: "2026-11-17T10:00:00Z",
    },
    outbox,
  );
  for (const [phase, score, at] of [
    ["pre", 1, "2026-10-01T10:00:00Z"],
    ["post", 2, "2026-11-18T10:00:00Z"],
  ] as const)
    await recordSkillsCheckResult(
      storage,
      program,
      {
        tenantId,
        deliveryId: `s-${phase}`,
        programId: "prog-1",
        assetId: "check-1",
        learnerObjectId: leaver,
        phase,
        answers: [],
        score,
        maxScore: 2,
        at,
      },
      outbox,
    );
  await recordChallengeCompletion(
    storage,
    program,
    {
      tenantId,
      deliveryId: "c-1",
      programId: "prog-1",
      assetId: "challenge-1",
      teamId: team.id,
      managerObjectId: team.manager.objectId,
      outcome: "done",
      at: "2026-11-17T09:00:00Z",
    },
    outbox,
  );
  await storage.deliveries.create({
    id: "2026-11-17T09-00-00Z.nudge",
    tenantId,
    programId: "prog-1",
    assetId: "nudge-1",
    scheduleEntryId: "tue-nudge",
    teamId: team.id,
    recipientObjectId: leaver,
    recipientRole: "learner",
    slot: "2026-11-17T09:00:00Z",
    updatedAt: "2026-11-17T09:00:00Z",
  });
  await storage.conversations.upsert({
    tenantId,
    objectId: leaver,
    conversationId: "a:1",
    serviceUrl: "https://smba.trafficmanager.net/emea/",
    updatedAt: "2026-11-01T00:00:00Z",
  });
  const admin = await api.entra.token({ tenantId, objectId: adminId });
  return { tenantId, program, team, admin, adminId, leaver, stayer };
}

/** Every row of every table in the store (all tenants, all partitions) that holds `id` anywhere. */
async function rowsHolding(id: string): Promise<string[]> {
  const service = TableServiceClient.fromConnectionString(testStorageTarget().connectionString, {
    allowInsecureConnection: true,
  });
  const found: string[] = [];
  for await (const table of service.listTables()) {
    const client = api.storage.account.table(table.name ?? "");
    for await (const row of client.listEntities())
      if (JSON.stringify(row).toLowerCase().includes(id.toLowerCase())) found.push(`${table.name}: ${row.rowKey}`);
  }
  return found;
}

const rounded = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "number" ? Number(v.toFixed(9)) : v)));

async function storedRows(p: Populated) {
  const rows = await api.storage.rollups.range(p.tenantId, programScope(p.program.id), "", "~");
  return new Map(rows.filter((r) => isRebuiltRow(r.rowKey)).map((r) => [r.rowKey, r.data]));
}

describe("a person's data, on request (admin API)", () => {
  it("exports everything held about the person as JSON, and audits who asked and when", async () => {
    const p = await populated();
    const res = await api.call("GET", `/api/v1/people/${p.leaver}/data`, { token: p.admin });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="person-${p.leaver}.json"`);
    expect(res.body.objectId).toBe(p.leaver);
    expect(Object.keys(res.body.tables)).toEqual(
      expect.arrayContaining([
        "teams",
        "observations",
        "nudgeresponses",
        "skillscheckresults",
        "deliveries",
        "conversations",
        "xapistatements",
        "programs",
        "tenants",
      ]),
    );
    expect(res.body.tables.nudgeresponses[0]).toMatchObject({ learnerObjectId: p.leaver, response: "done" });
    const audit = await api.call("GET", "/api/v1/audit", { token: p.admin });
    expect(audit.body.items).toEqual([
      {
        tenantId: p.tenantId,
        id: res.body.auditId,
        at: now,
        action: "person-export",
        requestedBy: p.adminId,
        subjectRef: subjectRef(TEST_API_KEY_PEPPER, p.tenantId, p.leaver),
        outcome: "done",
        detail: { rows: expect.any(Number) },
      },
    ]);
  });

  it("erases the person: no table holds their id, shared rows keep the rest, the figures equal a rebuild", async () => {
    const p = await populated();
    expect((await rowsHolding(p.leaver)).length).toBeGreaterThan(10);
    const before = await storedRows(p);
    const res = await api.call("DELETE", `/api/v1/people/${p.leaver}/data`, { token: p.admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ teamsLeft: ["team-a"], erasedAt: now });
    expect(await rowsHolding(p.leaver)).toEqual([]);

    // What they shared with others stays, without them.
    expect((await api.storage.tenants.get(p.tenantId))?.value.adminObjectIds).toEqual([p.adminId]);
    expect((await api.storage.programs.get(p.tenantId, "prog-1"))?.value.owners).toEqual([p.adminId]);
    expect((await api.storage.teams.get(p.tenantId, "team-a"))?.value.members).toHaveLength(4);

    // The figures are what the remaining records say: the stayer's observation and the manager's challenge.
    const after = await storedRows(p);
    expect(rounded(after)).toEqual(rounded(await computeRollups(api.storage, p.program)));
    expect(after.get("pw:2026-11-16")).toMatchObject({ pilot: { observations: 1, membersObserved: 1 } });
    expect(before.get("pw:2026-11-16")).toMatchObject({ pilot: { observations: 2, membersObserved: 2 } });
    expect(after.get("pp")).toBeUndefined();
    expect(after.get("pe")).toEqual({ weeks: { "2026-11-16": { challengesDone: 1, nudgeResponses: 0 } } });
    const view = await programView(api.storage, p.program, new Date(now), { minimum: 1 });
    await rebuildRollups(api.storage, p.program);
    expect(rounded(await programView(api.storage, p.program, new Date(now), { minimum: 1 }))).toEqual(rounded(view));

    const audit = await api.call("GET", "/api/v1/audit", { token: p.admin });
    expect(audit.body.items[0]).toMatchObject({
      action: "person-erasure",
      requestedBy: p.adminId,
      at: now,
      outcome: "done",
      subjectRef: subjectRef(TEST_API_KEY_PEPPER, p.tenantId, p.leaver),
    });
    // Erasing again finds nothing left.
    const again = await api.call("DELETE", `/api/v1/people/${p.leaver}/data`, { token: p.admin });
    expect(again.body).toMatchObject({ deleted: 0, teamsLeft: [] });
  });

  it("refuses to erase a team's manager (422, nothing deleted or written); admins only; ids must be GUIDs", async () => {
    const p = await populated();
    const manager = p.team.manager.objectId;
    const res = await api.call("DELETE", `/api/v1/people/${manager}/data`, { token: p.admin });
    expect(res.status).toBe(422);
    expect(res.body.problems[0]).toMatch(/manages team-a: assign another manager/);
    expect((await rowsHolding(manager)).length).toBeGreaterThan(0);
    expect((await api.call("GET", "/api/v1/audit", { token: p.admin })).body.items).toEqual([]);

    const learner = await api.entra.token({ tenantId: p.tenantId, objectId: p.stayer });
    expect((await api.call("DELETE", `/api/v1/people/${p.leaver}/data`, { token: learner })).status).toBe(403);
    expect((await api.call("GET", `/api/v1/people/${p.leaver}/data`, { token: learner })).status).toBe(403);
    expect((await rowsHolding(p.leaver)).length).toBeGreaterThan(0);
    const bad = await api.call("GET", "/api/v1/people/not-a-guid/data", { token: p.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ field: "objectId", rule: "must be a GUID (an Entra id)" }]);
  });

  it("exports the tenant's xAPI statements by date range, page by page", async () => {
    const p = await populated();
    const range = (q: string) => api.call("GET", `/api/v1/xapi-statements?${q}`, { token: p.admin });
    const november = await range("from=2026-11-01&to=2026-12-01");
    expect(november.status).toBe(200);
    // Two observations, a nudge response, the post skills check and the challenge; the pre check was in October.
    expect(november.body.statements).toHaveLength(5);
    expect((await range("from=2026-10-01&to=2026-11-01")).body.statements).toHaveLength(1);
    const first = await range("from=2026-10-01&to=2026-12-01&pageSize=4");
    expect(first.body.statements).toHaveLength(4);
    const rest = await range(
      `from=2026-10-01&to=2026-12-01&pageSize=4&continuationToken=${encodeURIComponent(first.body.continuationToken)}`,
    );
    expect(rest.body.statements).toHaveLength(2);
    expect(rest.body.continuationToken).toBeNull();
    const backwards = await range("from=2026-12-01&to=2026-11-01");
    expect(backwards.status).toBe(400);
    expect(backwards.body.issues).toEqual([{ field: "to", rule: "must be after from" }]);
    expect((await range("from=yesterday&to=2026-11-01")).status).toBe(400);
    const audit = await api.call("GET", "/api/v1/audit", { token: p.admin });
    // Each export audited once (its first page), with its range.
    expect(audit.body.items.filter((e: { action: string }) => e.action === "xapi-export")).toHaveLength(3);
  });
});

describe("a person's data, on request (npm run person-data)", { timeout: 180_000 }, () => {
  it("erases from the command line, audited as cli:NAME", async () => {
    const p = await populated();
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/measure/cli/person-data.ts",
        "erase",
        "--tenant",
        p.tenantId,
        "--person",
        p.leaver,
        "--requested-by",
        "dpo",
      ],
      {
        env: {
          ...process.env,
          NODE_ENV: "test",
          LOG_LEVEL: "silent",
          STORAGE_CONNECTION_STRING: testStorageTarget().connectionString,
          API_KEY_PEPPER: TEST_API_KEY_PEPPER,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code, output).toBe(0);
    expect(output).toMatch(/erased: \d+ rows deleted, removed from 1 teams; audit entry /);
    expect(await rowsHolding(p.leaver)).toEqual([]);
    const entries = (await api.storage.audit.list(p.tenantId)).items;
    expect(entries[0]).toMatchObject({ action: "person-erasure", requestedBy: "cli:dpo", outcome: "done" });
  });
});
