import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import express from "express";
import { pino } from "pino";
import { renderDeliveryCard } from "../bot/index.js";
import { createApiRouter, createDevTokenIssuer, createTokenVerifier, keySet } from "../src/api/index.js";
import { createApp } from "../src/app.js";
import { DEV_CLIENT_ID } from "../src/config.js";
import { chartWeeks, type ProgramView, sideTrends, teamFigures, teamSummary } from "../src/dashboard/index.js";
import { startAzurite } from "../src/dev/azurite.js";
import type { Kpi, Observation, Program, TeamInput } from "../src/domain/index.js";
import {
  addBehaviourMember,
  addMember,
  addObservation,
  addWeeks,
  comparePilotAndComparison,
  emptyProgramWeek,
  emptyTeamWeek,
  importKpiCsv,
  observationCounts,
  type ProgramWeek,
  rebuildRollups,
  type TeamWeek,
  updateKpiRollups,
  weekOf,
} from "../src/measure/index.js";
import { onboardTenant } from "../src/onboarding/index.js";
import { openStorage, storageAccount } from "../src/storage/index.js";

/**
 * Dashboard benchmark: a tenant with TEAMS teams (10 members each), OBSERVATIONS observations over two years
 * and weekly KPI values, in a fresh in-memory Azurite. Then the manager view (GET /api/v1/teams/:id/dashboard)
 * and the program view (GET /api/v1/programs/:id/view) through the app's real /api/v1 router, with tokens
 * from the dev token issuer verified on every request, p50/p95 over REQUESTS requests each, beside the same
 * figures computed naively from the raw observations and KPI values.
 *
 * `--small` (50 teams, 100,000 observations) runs in a few minutes; TEAMS and OBSERVATIONS set any size.
 */
const SMALL = process.argv.includes("--small");
const TEAMS = Number(process.env.TEAMS ?? (SMALL ? 50 : 500));
const MEMBERS = 10;
const OBSERVATIONS = Number(process.env.OBSERVATIONS ?? (SMALL ? 100_000 : 1_000_000));
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const NAIVE_MANAGER_REQUESTS = Number(process.env.NAIVE_MANAGER_REQUESTS ?? 20);
const NAIVE_PROGRAM_REQUESTS = Number(process.env.NAIVE_PROGRAM_REQUESTS ?? 5);
const CONCURRENCY = 8;
const NOW = new Date("2026-11-20T12:00:00Z");
const FIRST_WEEK = addWeeks(weekOf(NOW), -103);

async function pool<T>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<void>,
  concurrency = CONCURRENCY,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function time(label: string, n: number, request: (i: number) => Promise<void>) {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await request(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const result = { p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), n };
  console.log(`${label}: p50 ${result.p50} ms, p95 ${result.p95} ms (${n} requests)`);
  return result;
}

const round = (n: number) => Math.round(n * 10) / 10;

type TeamLine = Pick<ProgramView["teams"][number], "teamId" | "coverage" | "recentObservations" | "adoption">;
interface NaiveProgram {
  teams: TeamLine[];
  trend: ProgramView["trend"];
}

/** Where the view from rollups and the raw scan give different figures (the scan is the truth). */
function compareProgramFigures(view: ProgramView, naive: NaiveProgram): string[] {
  const close = (a: number | null | undefined, b: number | null | undefined) =>
    a === b || (typeof a === "number" && typeof b === "number" && Math.abs(a - b) < 1e-9);
  const out: string[] = [];
  const scanned = new Map(naive.teams.map((t) => [t.teamId, t]));
  for (const t of view.teams) {
    const n = scanned.get(t.teamId);
    if (!n) out.push(`${t.teamId}: not in the scan`);
    else if (
      t.recentObservations !== n.recentObservations ||
      t.coverage.observed !== n.coverage.observed ||
      Object.entries(t.adoption).some(([id, a]) => !close(a, n.adoption[id]))
    )
      out.push(`${t.teamId}: ${JSON.stringify(t)} vs ${JSON.stringify(n)}`);
  }
  for (const [i, b] of view.trend.entries())
    for (const [j, w] of b.weeks.entries()) {
      const n = naive.trend[i]?.weeks[j];
      if (!n || !close(w.pilot, n.pilot) || !close(w.comparison, n.comparison))
        out.push(`${b.behaviourId} ${w.week}: ${JSON.stringify(w)} vs ${JSON.stringify(n)}`);
    }
  return out;
}

/** Azurite's peak resident memory (Linux), where the generated data lives. */
function azuritePeakMb(): number | null {
  try {
    const status = readFileSync(`/proc/${azurite.pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round(kb / 1024) : null;
  } catch {
    return null;
  }
}
const log = (text: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);

const azurite = await startAzurite();
try {
  const storage = openStorage(storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }));
  await storage.ensure();
  const tenantId = randomUUID();
  const startedAll = Date.now();

  const teamIds = Array.from({ length: TEAMS }, (_, t) => `team-${String(t).padStart(3, "0")}`);
  const person = (name: string) => ({ objectId: randomUUID(), displayName: name, timeZone: "Europe/London" });
  const teams: TeamInput[] = teamIds.map((id) => ({
    id,
    tenantId,
    name: id,
    manager: person(`Manager ${id}`),
    members: Array.from({ length: MEMBERS }, (_, m) => person(`Member ${m} of ${id}`)),
  }));
  const kpi: Kpi = {
    id: "win-rate",
    tenantId,
    name: "Win rate",
    unit: "%",
    direction: "higher_is_better",
    baseline: { value: 28, date: FIRST_WEEK },
    target: { value: 34, date: "2027-06-30" },
    level: "team",
    source: "csv",
  };
  const admin = person("Admin");
  await onboardTenant(storage, { tenantId, displayName: "Benchmark tenant", adminObjectIds: [admin.objectId] }, NOW);
  await storage.kpis.save(kpi);
  const program: Program = (
    await storage.programs.save({
      id: "bench",
      tenantId,
      name: "Benchmark program",
      status: "active",
      outcomeKpiId: "win-rate",
      window: { start: addWeeks(FIRST_WEEK, 52), end: "2027-06-30" },
      teams: teamIds.map((teamId, t) => ({ teamId, role: t % 2 === 0 ? "pilot" : "comparison" })),
      chain: {
        skills: [{ id: "discovery", name: "Needs discovery" }],
        behaviours: ["open-questions", "summarises-need"].map((id) => ({
          id,
          name: id,
          skillIds: ["discovery"],
          rubric: { levels: ["Not yet", "Sometimes", "Consistently"] },
          kpiIds: ["win-rate"],
        })),
      },
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    })
  ).value;
  await pool(teams, async (team) => {
    await storage.teams.save(team);
  });
  log(`${TEAMS} teams, ${TEAMS * (MEMBERS + 1)} people saved`);

  // Observations: each team's share, spread over 104 weeks, written 100 to a transaction.
  const perTeam = Math.floor(OBSERVATIONS / TEAMS);
  const behaviours = ["open-questions", "summarises-need"];
  let written = 0;
  const obsStarted = Date.now();
  await pool(teams, async (team) => {
    const list: Observation[] = [];
    for (let i = 0; i < perTeam; i++) {
      const at = new Date(Date.parse(`${FIRST_WEEK}T08:00:00Z`) + Math.floor((i / perTeam) * 104 * 7 * 86_400_000));
      const member = team.members[i % MEMBERS];
      list.push({
        id: `o${i}`,
        tenantId,
        programId: "bench",
        teamId: team.id,
        managerObjectId: team.manager.objectId.toLowerCase(),
        memberObjectId: (member?.objectId ?? "").toLowerCase(),
        behaviourId: behaviours[i % 2] ?? "open-questions",
        levelIndex: (i * 7 + team.id.length) % 3,
        note: "",
        observedAt: at.toISOString(),
        deliveryId: null,
      });
    }
    for (let i = 0; i < list.length; i += 100) {
      await storage.observations.addForTeam(tenantId, team.id, list.slice(i, i + 100));
      written += Math.min(100, list.length - i);
      if (written % 50_000 < 100) log(`${written} observations`);
    }
  });
  const obsSeconds = (Date.now() - obsStarted) / 1000;
  log(`${written} observations written in ${obsSeconds.toFixed(0)} s (${Math.round(written / obsSeconds)}/s)`);

  // KPI values as an admin imports them: one CSV (ordered by date, as a weekly export grows) through the
  // import's strict commit, with the KPI rollups (series rows, latest values) updated on write.
  const kpiStarted = Date.now();
  const csv = ["kpi,team,date,value"];
  for (let w = 0; w < 104; w++)
    teamIds.forEach((teamId, t) => {
      csv.push(`win-rate,${teamId},${addWeeks(FIRST_WEEK, w)},${(28 + (t % 7) / 2 + w / 50).toFixed(2)}`);
    });
  const imported = await importKpiCsv(storage, tenantId, () => Readable.from([csv.join("\n")]), {
    mode: "commit",
    now: NOW,
    afterWrite: (t, k, values) => updateKpiRollups(storage, t, k, values),
  });
  if (imported.written !== TEAMS * 104)
    throw new Error(`KPI import wrote ${imported.written}: ${JSON.stringify(imported.issues)}`);
  const kpiSeconds = (Date.now() - kpiStarted) / 1000;
  log(`${imported.written} weekly KPI values imported in ${kpiSeconds.toFixed(0)} s`);

  const rebuildStarted = Date.now();
  const { rows } = await rebuildRollups(storage, program);
  const rebuildSeconds = (Date.now() - rebuildStarted) / 1000;
  log(`rollups rebuilt from raw records: ${rows} rows in ${rebuildSeconds.toFixed(0)} s`);
  const generationSeconds = (Date.now() - startedAll) / 1000;

  // The views through the app's real API: token verification, role and tenant checks, the routes.
  const issuer = await createDevTokenIssuer(DEV_CLIENT_ID);
  const logger = pino({ level: "silent" });
  const api = createApp({
    storage,
    logger,
    mounts: [
      {
        path: "/api/v1",
        handler: createApiRouter({
          storage,
          logger,
          now: () => NOW,
          renderCard: renderDeliveryCard,
          verify: createTokenVerifier({
            clientId: DEV_CLIENT_ID,
            keys: keySet("http://127.0.0.1:9/keys", issuer),
            isTenantAllowed: async (t) => t === tenantId,
          }),
          tenantOf: (t) => storage.tenants.get(t),
        }),
      },
    ],
  });
  const apiServer = api.listen(0, "127.0.0.1");
  await new Promise((resolve) => apiServer.once("listening", resolve));
  const apiBase = `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}/api/v1`;
  const tokenOf = new Map<string, string>();
  for (const team of teams)
    tokenOf.set(team.id, await issuer.sign({ tenantId, objectId: team.manager.objectId, name: "Manager" }));
  const adminToken = await issuer.sign({ tenantId, objectId: admin.objectId, name: "Admin" });
  const call = async (path: string, token: string) => {
    const response = await fetch(`${apiBase}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`);
    return body;
  };

  const app = express();
  // Naive: the same figures from the raw records, with the views' own figure code. The manager scan reads one
  // team's observations over the charted weeks and every KPI value; the program scan reads every team's
  // observations over the charted weeks (a line per team, the sides' weekly trend) and every KPI value.
  const chartFrom = new Date(`${chartWeeks(NOW)[0]}T00:00:00Z`);
  const rawTeamWeeks = async (teamId: string) => {
    const team = (await storage.teams.get(tenantId, teamId))?.value;
    if (!team) throw new Error(`no team ${teamId}`);
    const byWeek = new Map<string, TeamWeek>();
    let token: string | undefined;
    do {
      const page = await storage.observations.since(tenantId, teamId, chartFrom, {
        pageSize: 1000,
        continuationToken: token,
      });
      for (const o of page.items) {
        if (o.programId !== program.id) continue;
        const week = weekOf(o.observedAt);
        const tw = byWeek.get(week) ?? emptyTeamWeek(teamId, week);
        const { behaviourId, top } = observationCounts(program, o.behaviourId, o.levelIndex);
        addObservation(tw, behaviourId, top);
        addMember(tw, o.memberObjectId, o.observedAt);
        addBehaviourMember(tw, behaviourId, o.memberObjectId);
        byWeek.set(week, tw);
      }
      token = page.continuationToken;
    } while (token);
    return { team, byWeek };
  };
  const rawTeamFigures = async (teamId: string) => {
    const { team, byWeek } = await rawTeamWeeks(teamId);
    return { teamId, name: team.name, ...(await teamFigures(storage, program, team, NOW, { people: false, byWeek })) };
  };
  const rawKpiComparison = async () => {
    const seriesOf = new Map<string, { date: string; value: number }[]>();
    let token: string | undefined;
    do {
      const page = await storage.kpiValues.list(tenantId, "win-rate", { pageSize: 1000, continuationToken: token });
      for (const v of page.items)
        if (v.teamId) seriesOf.set(v.teamId, [...(seriesOf.get(v.teamId) ?? []), { date: v.date, value: v.value }]);
      token = page.continuationToken;
    } while (token);
    return { seriesOf, pilotVsComparison: comparePilotAndComparison(program, seriesOf) };
  };
  app.get("/naive/manager/:teamId", async (req, res) => {
    const [figures, kpi] = await Promise.all([rawTeamFigures(req.params.teamId), rawKpiComparison()]);
    res.json({
      ...figures,
      kpi: { series: kpi.seriesOf.get(req.params.teamId), pilotVsComparison: kpi.pilotVsComparison },
    });
  });
  app.get("/naive/program", async (_req, res) => {
    const teams: (ReturnType<typeof teamSummary> & { teamId: string })[] = [];
    const sides = new Map<string, ProgramWeek>();
    const [, kpi] = await Promise.all([
      pool(program.teams, async ({ teamId, role }) => {
        const { team, byWeek } = await rawTeamWeeks(teamId);
        teams.push({ teamId, ...teamSummary(program, team, byWeek, NOW, (id) => id.toLowerCase()) });
        for (const tw of byWeek.values()) {
          const week = sides.get(tw.week) ?? emptyProgramWeek(tw.week);
          const side = week[role];
          side.observations += tw.observations;
          side.topLevel += tw.topLevel;
          side.membersObserved += tw.membersObserved;
          for (const [id, b] of Object.entries(tw.byBehaviour)) {
            const into = side.byBehaviour[id] ?? { observations: 0, topLevel: 0 };
            side.byBehaviour[id] = {
              observations: into.observations + b.observations,
              topLevel: into.topLevel + b.topLevel,
              people: (into.people ?? 0) + (b.people ?? 0),
            };
          }
          sides.set(tw.week, week);
        }
      }),
      rawKpiComparison(),
    ]);
    res.json({ teams, trend: sideTrends(program, sides, NOW, 5), pilotVsComparison: kpi.pilotVsComparison });
  });
  const server = app.listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string): Promise<unknown> => {
    const response = await fetch(`${base}${path}`);
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.json();
  };

  const pick = (i: number) => teamIds[(i * 37) % TEAMS] ?? "";
  const managerOnce = (i: number) => call(`/teams/${pick(i)}/dashboard`, tokenOf.get(pick(i)) ?? "");
  const programOnce = () => call("/programs/bench/view", adminToken);
  const teamChartOnce = (i: number) => call(`/programs/bench/teams/${pick(i)}`, adminToken);
  const managerBytes = (await managerOnce(0)).length;
  const programBody = await programOnce();
  const programBytes = programBody.length;
  const manager = await time("manager view (API, rollups)", REQUESTS, async (i) => {
    await managerOnce(i);
  });
  const programResult = await time("program view (API, rollups)", REQUESTS, async () => {
    await programOnce();
  });
  const teamChart = await time("a program team's chart (API, rollups)", REQUESTS, async (i) => {
    await teamChartOnce(i);
  });
  const naiveManager = await time("manager view (raw scan)", NAIVE_MANAGER_REQUESTS, async (i) => {
    await get(`/naive/manager/${pick(i)}`);
  });
  let naiveBody: unknown;
  const naiveProgram = await time("program view (raw scan)", NAIVE_PROGRAM_REQUESTS, async () => {
    naiveBody = await get("/naive/program");
  });
  const disagreements = compareProgramFigures(JSON.parse(programBody), naiveBody as NaiveProgram);
  console.log(`rollup and raw-scan program figures: ${disagreements.length} disagreements`, disagreements.slice(0, 5));
  server.close();
  apiServer.close();
  apiServer.closeAllConnections();

  const result = {
    managerP50Ms: manager.p50,
    managerP95Ms: manager.p95,
    programP50Ms: programResult.p50,
    programP95Ms: programResult.p95,
    teamChartP50Ms: teamChart.p50,
    teamChartP95Ms: teamChart.p95,
    naiveManagerP95Ms: naiveManager.p95,
    naiveP95Ms: naiveProgram.p95,
    naiveProgramRequests: naiveProgram.n,
    speedup: round(naiveProgram.p95 / programResult.p95),
    managerSpeedup: round(naiveManager.p95 / manager.p95),
    rows: {
      teams: TEAMS,
      people: TEAMS * (MEMBERS + 1),
      observations: written,
      kpiValues: TEAMS * 104,
      rollupRows: rows,
    },
    generationSeconds: Math.round(generationSeconds),
    generation: {
      observationsSeconds: Math.round(obsSeconds),
      kpiImportSeconds: Math.round(kpiSeconds),
      rollupRebuildSeconds: Math.round(rebuildSeconds),
    },
    peakMemoryMb: {
      benchAndApp: Math.round(process.resourceUsage().maxRSS / 1024),
      azurite: azuritePeakMb(),
    },
    observationsPerSecond: Math.round(written / obsSeconds),
    responseBytes: { manager: managerBytes, program: programBytes },
    rollupVsScanDisagreements: disagreements.length,
    size: SMALL ? "small" : "custom-or-full",
    via: "HTTP to the app's /api/v1 router (createApp + createApiRouter, dev-issued tokens verified per request); naive scan over HTTP to a route in bench/dashboard.ts",
  };
  console.log(result);
  mkdirSync(".bench", { recursive: true });
  writeFileSync(".bench/dashboard.json", `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await azurite.stop();
}
