import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { composeThroughline } from "../../src/composition.js";
import { managerView, programView } from "../../src/dashboard/index.js";
import type { Program, Team } from "../../src/domain/index.js";
import {
  computeRollups,
  exportStatements,
  INTENT_GRACE_MS,
  INTENT_PREFIX,
  isRebuiltRow,
  programScope,
  rebuildRollups,
  recordChallengeCompletion,
  recordObservations,
  recordSkillsCheckResult,
  sweepIntents,
} from "../../src/measure/index.js";
import type { Storage } from "../../src/storage/index.js";
import { aKpi, aProgram, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage, testStorageTarget } from "../support/storage.js";
import { testConfig } from "../support/test-config.js";

/**
 * kill -9 in every window of a recording: between the intent and the record, between the record and its
 * rollup work, between two weeks of one checklist. After a restart (the app composed again, as `main` does,
 * and its background started) the rollups equal a rebuild from the raw records, and so do the views.
 */
const now = new Date("2026-11-20T12:00:00.000Z");
const GENEROUS_MS = 120_000;

interface World {
  storage: Storage;
  tenantId: string;
  program: Program;
  teamA: Team;
}

async function world(): Promise<World> {
  const storage = await testStorage();
  const tenantId = newTenantId();
  const teamA = (await storage.teams.save(aTeam(tenantId, { id: "team-a" }))).value;
  await storage.teams.save(aTeam(tenantId, { id: "team-b", name: "Team B" }));
  await storage.kpis.save(aKpi(tenantId));
  const program = (await storage.programs.save(aProgram(tenantId, { id: `prog-${randomUUID().slice(0, 8)}` }))).value;
  // Activity recorded before the crash, so the crash meets rows that exist.
  await recordObservations(storage, program, "team-a", [observation(program, teamA, 0, 1, "2026-11-02T09:00:00Z")]);
  return { storage, tenantId, program, teamA };
}

function observation(program: Program, team: Team, member: number, levelIndex: number, observedAt: string) {
  return {
    id: randomUUID(),
    tenantId: team.tenantId,
    programId: program.id,
    teamId: team.id,
    managerObjectId: team.manager.objectId,
    memberObjectId: team.members[member]?.objectId,
    behaviourId: "open-questions",
    levelIndex,
    observedAt,
  };
}

type Kind = "observations" | "challenge" | "nudge" | "skills";
type Window = "intent" | "record" | "apply-0";

/** Runs the writer in a child process, waits until it stands at `window`, and kills it there with SIGKILL. */
async function killWriterAt(w: World, kind: Kind, window: Window, input: unknown): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/measure/rollup-crash-writer.ts"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      STORAGE_CONNECTION_STRING: testStorageTarget().connectionString,
      TENANT_ID: w.tenantId,
      PROGRAM_ID: w.program.id,
      KIND: kind,
      STALL_AT: window,
      INPUT: JSON.stringify(input),
    },
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once("exit", (_code, signal) => resolve(signal)),
  );
  const said = await new Promise<string>((resolve, reject) => {
    child.once("message", (m) => resolve(String(m)));
    child.once("exit", (code) => reject(new Error(`writer exited (${code}) before reaching ${window}`)));
  });
  expect(said).toBe(`stalled-at-${window}`);
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
}

async function storedRows(w: World) {
  const rows = await w.storage.rollups.range(w.tenantId, programScope(w.program.id), "", "~");
  // The rows a rebuild computes (not intents, review notes or cached KPI comparisons).
  return new Map(rows.filter((r) => isRebuiltRow(r.rowKey)).map((r) => [r.rowKey, r.data]));
}

const intents = async (w: World) => w.storage.rollups.range(w.tenantId, programScope(w.program.id), INTENT_PREFIX);

function rounded(rows: Map<string, unknown> | object) {
  const plain = rows instanceof Map ? Object.fromEntries(rows) : rows;
  return JSON.parse(JSON.stringify(plain, (_k, v) => (typeof v === "number" ? Number(v.toFixed(9)) : v)));
}

/** The app started again as `main` starts it; resolves once its first rollup sweep (the one at start) is done. */
async function restart(w: World): Promise<void> {
  const config = testConfig({ AUTH_DEV_MODE: "true", BOT_DEV_MODE: "true" });
  const app = await composeThroughline(config, {
    storage: w.storage,
    now: () => now,
    logger: pino({ level: "silent" }),
  });
  app.startBackground();
  try {
    const deadline = Date.now() + GENEROUS_MS;
    while (app.rollupSweepsDone === 0) {
      if (Date.now() > deadline) throw new Error("the sweep at start did not finish");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await app.stop();
  }
}

/** The admin's and the manager's views, now and after a rebuild from the raw records: they must not differ. */
async function expectViewsEqualRebuild(w: World): Promise<void> {
  expect(rounded(await storedRows(w))).toEqual(rounded(await computeRollups(w.storage, w.program)));
  const views = async () => ({
    program: await programView(w.storage, w.program, now, { minimum: 1 }),
    manager: await managerView(w.storage, w.teamA, now, { minimum: 1 }),
  });
  const before = await views();
  await rebuildRollups(w.storage, w.program);
  expect(rounded(before)).toEqual(rounded(await views()));
}

const challengeOf = (w: World, deliveryId: string) => ({
  tenantId: w.tenantId,
  deliveryId,
  programId: w.program.id,
  assetId: "challenge-1",
  teamId: "team-a",
  managerObjectId: w.teamA.manager.objectId,
  outcome: "done",
  at: "2026-11-03T09:30:00Z",
});

const skillsOf = (w: World, phase: "pre" | "post", score: number) => ({
  tenantId: w.tenantId,
  deliveryId: `s-${phase}`,
  programId: w.program.id,
  assetId: "check-1",
  learnerObjectId: w.teamA.members[0]?.objectId,
  phase,
  answers: [1],
  score,
  maxScore: 5,
  at: phase === "pre" ? "2026-10-01T09:00:00Z" : "2026-11-18T09:00:00Z",
});

describe("a recording killed with SIGKILL, then the app restarted", { timeout: 4 * GENEROUS_MS }, () => {
  it("between the record and its rollup work (observations over two weeks): the sweep at start applies both", async () => {
    const w = await world();
    const list = [
      observation(w.program, w.teamA, 1, 2, "2026-11-03T10:00:00Z"),
      observation(w.program, w.teamA, 2, 0, "2026-11-10T10:00:00Z"),
    ];
    await killWriterAt(w, "observations", "record", { teamId: "team-a", observations: list });
    expect(await intents(w)).toHaveLength(2);
    // The window is real: the records are there, the figures do not count them yet.
    expect(rounded(await storedRows(w))).not.toEqual(rounded(await computeRollups(w.storage, w.program)));
    await restart(w);
    expect(await intents(w)).toEqual([]);
    await expectViewsEqualRebuild(w);
    // Their xAPI statements too (the observation recorded before the crash had no outbox).
    const statements = await exportStatements(w.storage, w.tenantId, new Date("2026-11-01"), new Date("2026-11-30"));
    expect(statements).toHaveLength(2);
  });

  it("between two weeks of one checklist: the applied week is not applied again, the other is", async () => {
    const w = await world();
    const list = [
      observation(w.program, w.teamA, 1, 2, "2026-11-03T10:00:00Z"),
      observation(w.program, w.teamA, 2, 0, "2026-11-10T10:00:00Z"),
    ];
    await killWriterAt(w, "observations", "apply-0", { teamId: "team-a", observations: list });
    expect(await intents(w)).toHaveLength(1);
    await restart(w);
    expect(await intents(w)).toEqual([]);
    await expectViewsEqualRebuild(w);
  });

  for (const kind of ["challenge", "nudge"] as const) {
    it(`${kind}: between the record and its rollup work, the sweep at start applies it once`, async () => {
      const w = await world();
      const input =
        kind === "challenge"
          ? challengeOf(w, "d-crash")
          : {
              tenantId: w.tenantId,
              deliveryId: "n-crash",
              programId: w.program.id,
              assetId: "nudge-1",
              learnerObjectId: w.teamA.members[0]?.objectId,
              response: "Asked three open questions",
              confidence: 4,
              at: "2026-11-04T12:00:00Z",
            };
      await killWriterAt(w, kind, "record", input);
      expect(await intents(w)).toHaveLength(1);
      await restart(w);
      expect(await intents(w)).toEqual([]);
      await expectViewsEqualRebuild(w);
      // A second restart finds nothing left to do and changes nothing.
      const rows = await storedRows(w);
      await restart(w);
      expect(await storedRows(w)).toEqual(rows);
    });
  }

  it("skills check: the post half killed before its work, the pre half's pair counted once", async () => {
    const w = await world();
    await recordSkillsCheckResult(w.storage, w.program, skillsOf(w, "pre", 2));
    await killWriterAt(w, "skills", "record", skillsOf(w, "post", 4));
    await restart(w);
    expect(await intents(w)).toEqual([]);
    expect((await storedRows(w)).get("pp")).toMatchObject({ pre: 1, post: 1, pairs: 1 });
    await expectViewsEqualRebuild(w);
  });

  it("between the intent and the record: nothing counted, and the intent is dropped once it is old", async () => {
    const w = await world();
    await killWriterAt(w, "challenge", "intent", challengeOf(w, "d-never"));
    expect(await w.storage.challengeCompletions.get(w.tenantId, w.teamA.manager.objectId, "d-never")).toBeUndefined();
    await restart(w);
    await expectViewsEqualRebuild(w);
    // Young, it may be a write still under way elsewhere: it stays. Past the grace it was a failed write.
    expect(await intents(w)).toHaveLength(1);
    const later = new Date(Date.now() + INTENT_GRACE_MS + 60_000);
    expect((await sweepIntents(w.storage, { now: later })).abandoned).toBeGreaterThanOrEqual(1);
    expect(await intents(w)).toEqual([]);
    await expectViewsEqualRebuild(w);
  });

  it("a replay killed after its intent: the record is another write's, so its intent adds nothing", async () => {
    const w = await world();
    expect((await recordChallengeCompletion(w.storage, w.program, challengeOf(w, "d-twice"))).recorded).toBe(true);
    await killWriterAt(w, "challenge", "intent", challengeOf(w, "d-twice"));
    expect(await intents(w)).toHaveLength(1);
    await restart(w);
    expect(await intents(w)).toEqual([]);
    await expectViewsEqualRebuild(w);
    expect((await storedRows(w)).get("pe")).toEqual({
      weeks: { "2026-11-02": { challengesDone: 1, nudgeResponses: 0 } },
    });
  });
});
