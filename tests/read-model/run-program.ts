import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { planTenant, systemClock } from "../../src/delivery/index.js";
import type { Delivery, Kpi, Program } from "../../src/domain/index.js";
import { recordObservations, seededRandom } from "../../src/measure/index.js";
import type { Api } from "../api/api-harness.js";
import { chatAs } from "../bot/support/chat.js";
import type { ProgramSpec } from "./program-spec.js";

const DAY = 86_400_000;

export interface Person {
  objectId: string;
  displayName: string;
  timeZone: string;
}

export interface RunTeam {
  id: string;
  name: string;
  role: "pilot" | "comparison";
  manager: Person;
  members: Person[];
}

/** What happened in a program, as the people and the admin did it: the ground truth the figures must match. */
export interface RunLog {
  tenantId: string;
  admin: string;
  program: Program;
  teams: RunTeam[];
  kpis: Kpi[];
  /** The skills check's questions: the right answer of each. */
  correct: number[];
  observations: { teamId: string; memberId: string; behaviourId: string; levelIndex: number; at: string }[];
  completions: { teamId: string; outcome: "done" | "skipped"; at: string; slot: string }[];
  nudges: { learnerId: string; at: string }[];
  skills: { learnerId: string; phase: "pre" | "post"; score: number; maxScore: number; at: string }[];
  /** The KPI values as stored: a later value for the same KPI, team and date replaces the earlier one. */
  kpiValues: Map<string, { kpiId: string; teamId: string | null; date: string; value: number }>;
}

/** The app's clock, moved by the run as time passes. */
export interface Clock {
  now: Date;
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const monthEnd = (month: string) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
const nextMonth = (month: string) => addDays(monthEnd(month), 1).slice(0, 7);

/**
 * Builds and runs a random program through the product's public surfaces in an allowed, empty tenant: the
 * tenant is onboarded by its IT admin's first request; the admin sets up teams, KPIs,
 * the program and its assets through the API and activates it; the planner plans the cards; managers and
 * learners answer them through the bot (checklists, challenges, nudges, skills checks) at their own times;
 * KPI values arrive through the API after each month. Comparison teams get no cards, so their managers'
 * observations go through the product's recording function. `read` runs at each of the spec's read times.
 */
export async function runProgram(
  api: Api,
  clock: Clock,
  tenantId: string,
  spec: ProgramSpec,
  read: (log: RunLog) => Promise<void>,
): Promise<RunLog> {
  const r = seededRandom(spec.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const admin = randomUUID();
  clock.now = new Date(Date.parse(`${addDays(spec.start, -7 * 5)}T09:00:00Z`));
  // The tenant's IT admin (Entra app role Admin) signs in first, which onboards the tenant, and names L&D's admin.
  const itAdmin = await api.entra.token({ tenantId, objectId: randomUUID(), roles: ["Admin"] });
  const named = await api.call("PUT", `/api/v1/tenant/admins/${admin}`, { token: itAdmin });
  if (named.status !== 200) throw new Error(`naming the admin answered ${named.status} ${JSON.stringify(named.body)}`);
  const adminToken = await api.entra.token({ tenantId, objectId: admin });
  const call = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const res = await api.call(method, `/api/v1${path}`, { token: adminToken, body, headers });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };

  const person = (name: string, timeZone: string): Person => ({ objectId: randomUUID(), displayName: name, timeZone });
  const teams: RunTeam[] = spec.teams.map((t, i) => ({
    id: `team-${i}`,
    name: `${t.role === "pilot" ? "Pilot" : "Comparison"} team ${i}`,
    role: t.role,
    manager: person(`Manager ${i}`, t.timeZone),
    members: Array.from({ length: t.members }, (_, m) => person(`Member ${i}.${m}`, t.timeZone)),
  }));
  for (const team of teams)
    await call("PUT", `/teams/${team.id}`, { name: team.name, manager: team.manager, members: team.members });

  const end = addDays(spec.start, 7 * spec.weeks - 1);
  const firstMonth = addDays(`${spec.start.slice(0, 7)}-01`, -28 * spec.monthsBefore - 1).slice(0, 7);
  const higher = spec.outcome.direction === "higher_is_better";
  const kpis: Kpi[] = [
    (
      await call("POST", "/kpis", {
        id: "win-rate",
        name: "Win rate",
        unit: "%",
        direction: spec.outcome.direction,
        baseline: { value: 30, date: `${firstMonth}-01` },
        target: { value: higher ? 36 : 24, date: end },
        level: "team",
      })
    ).body,
  ];
  if (spec.leading)
    kpis.push(
      (
        await call("POST", "/kpis", {
          id: "calls",
          name: "Discovery calls",
          unit: "calls",
          direction: "higher_is_better",
          baseline: { value: 10, date: `${firstMonth}-01` },
          target: { value: 20, date: end },
          level: spec.leading,
        })
      ).body,
    );

  const behaviours = spec.behaviours.map((b, i) => ({
    id: `behaviour-${i}`,
    name: `Behaviour ${i}`,
    skillIds: ["skill-0"],
    rubric: { levels: Array.from({ length: b.levels }, (_, l) => `Level ${l}`) },
    kpiIds: kpis.map((k) => k.id),
  }));
  const correct = [1, 0, 2];
  const weekly = (weekday: number, everyWeeks = 1) => ({
    kind: "weekly",
    weekdays: [weekday],
    everyWeeks,
    fromWeek: 1,
  });
  const created = await call("POST", "/programs", {
    id: "program",
    name: `Program ${spec.seed}`,
    discover: {
      problemToday: "Reps pitch before they listen.",
      desiredState: "Needs first, in the customer's words.",
      barriers: [],
      strategicObjective: "Grow revenue without headcount.",
    },
    outcomeKpiId: "win-rate",
    leadingKpiIds: spec.leading ? ["calls"] : [],
    window: { start: spec.start, end },
    valuation: spec.valuation,
    teams: teams.map((t) => ({ teamId: t.id, role: t.role })),
    chain: { skills: [{ id: "skill-0", name: "Needs discovery" }], behaviours },
    schedule: {
      entries: [
        { id: "challenge", assetId: "challenge", audience: "managers", cadence: weekly(2), localTime: "09:00" },
        {
          id: "checklist",
          assetId: "checklist",
          audience: "managers",
          cadence: weekly(5, spec.checklistEveryWeeks),
          localTime: "14:00",
        },
        { id: "nudge", assetId: "nudge", audience: "learners", cadence: weekly(3), localTime: "10:00" },
        {
          id: "pre",
          assetId: "check",
          audience: "learners",
          // The start's own weekday: the planner sends nothing before the window opens.
          cadence: { kind: "once", week: 1, weekday: ((new Date(`${spec.start}T00:00:00Z`).getUTCDay() + 6) % 7) + 1 },
          localTime: "11:00",
          phase: "pre",
        },
        {
          id: "post",
          assetId: "check",
          audience: "learners",
          cadence: { kind: "once", week: "last", weekday: 1 },
          localTime: "11:00",
          phase: "post",
        },
      ],
      quietHours: { start: "21:00", end: "07:00" },
      maxPerPersonPerDay: 5,
      spacingDays: [1, 2],
    },
  });
  const behaviourIds = behaviours.map((b) => b.id);
  const asset = (body: Record<string, unknown>) => call("POST", "/programs/program/assets", body);
  await asset({
    id: "challenge",
    kind: "micro_challenge",
    title: "Count the open questions",
    behaviourIds,
    content: { task: "Count the open questions in one call." },
  });
  await asset({
    id: "checklist",
    kind: "observation_checklist",
    title: "Discovery checklist",
    behaviourIds,
    content: {},
  });
  await asset({
    id: "nudge",
    kind: "nudge",
    title: "Try an open question",
    behaviourIds,
    content: { prompt: "Ask one open question today.", style: "practice" },
  });
  await asset({
    id: "check",
    kind: "skills_check",
    title: "Discovery check",
    behaviourIds,
    content: {
      questions: correct.map((c, q) => ({
        id: `q${q}`,
        text: `Question ${q}`,
        options: ["A", "B", "C"],
        correctIndex: c,
      })),
    },
  });
  await call(
    "POST",
    "/programs/program/transition",
    { to: "active" },
    { "if-match": created.headers.get("etag") ?? "" },
  );
  const program = (await call("GET", "/programs/program")).body as Program;

  const log: RunLog = {
    tenantId,
    admin,
    program,
    teams,
    kpis,
    correct,
    observations: [],
    completions: [],
    nudges: [],
    skills: [],
    kpiValues: new Map(),
  };

  // Everyone in a pilot team has the bot (the planner plans for people it can reach).
  const chats = new Map<string, ReturnType<typeof chatAs>>();
  const chatOf = (p: Person) => {
    const found = chats.get(p.objectId) ?? chatAs(api.bot, { tenantId, objectId: p.objectId, name: p.displayName });
    chats.set(p.objectId, found);
    return found;
  };
  for (const team of teams.filter((t) => t.role === "pilot"))
    for (const p of [team.manager, ...team.members]) await chatOf(p).installationUpdate("add");

  // The timeline: every event at its time, in order; planning adds the answers to the cards it plans.
  const events: { at: number; run: () => Promise<void> }[] = [];
  const at = (time: number, run: () => Promise<void>) => events.push({ at: time, run });
  const runEnd = Date.parse(`${spec.start}T00:00:00Z`) + Math.max(...spec.readAt) * DAY;
  const teamOfPerson = new Map(teams.flatMap((t) => [t.manager, ...t.members].map((p) => [p.objectId, t])));
  const handled = new Set<string>();
  const execute = async (p: Person, verb: string, deliveryId: string, fields: Record<string, unknown>) => {
    const card = await chatOf(p).execute(verb, { verb, deliveryId, ...fields });
    // A refusal or a request to fix the answer would leave the log wrong: the run stops there.
    const text = JSON.stringify(card);
    if (/Nothing was recorded|"color":"Attention"/.test(text)) throw new Error(`${verb} refused: ${text}`);
  };
  const answer = (p: Person, d: Delivery) => {
    if (handled.has(d.id)) return;
    handled.add(d.id);
    const when = Date.parse(d.slot) + int(1, 30) * 3_600_000 + int(0, 59) * 60_000;
    if (when > runEnd) return;
    const team = teamOfPerson.get(p.objectId);
    if (!team) return;
    if (d.assetId === "challenge") {
      const roll = r();
      const outcome = roll < spec.rates.done ? "done" : roll < spec.rates.done + spec.rates.skipped ? "skipped" : null;
      if (!outcome) return;
      at(when, async () => {
        await execute(p, outcome === "done" ? "challenge.done" : "challenge.skip", d.id, {});
        log.completions.push({ teamId: team.id, outcome, at: clock.now.toISOString(), slot: d.slot });
      });
    } else if (d.assetId === "checklist") {
      const ratings = team.members.flatMap((m) =>
        behaviours.flatMap((b) =>
          r() < spec.rates.rated
            ? [{ m, b, level: r() < spec.rates.top ? b.rubric.levels.length - 1 : int(0, b.rubric.levels.length - 2) }]
            : [],
        ),
      );
      if (ratings.length === 0) return;
      at(when, async () => {
        const fields = Object.fromEntries(
          ratings.map(({ m, b, level }) => [`lvl:${m.objectId}:${b.id}`, String(level)]),
        );
        await execute(p, "checklist.submit", d.id, fields);
        for (const { m, b, level } of ratings)
          log.observations.push({
            teamId: team.id,
            memberId: m.objectId,
            behaviourId: b.id,
            levelIndex: level,
            at: clock.now.toISOString(),
          });
      });
    } else if (d.assetId === "nudge") {
      if (r() >= spec.rates.nudge) return;
      at(when, async () => {
        await execute(p, "nudge.respond", d.id, { response: "Asked what slowness costs them.", confidence: "4" });
        log.nudges.push({ learnerId: p.objectId, at: clock.now.toISOString() });
      });
    } else if (d.assetId === "check") {
      if (r() >= spec.rates.skills) return;
      const answers = correct.map(() => int(0, 2));
      const phase = d.scheduleEntryId === "post" ? "post" : "pre";
      at(when, async () => {
        await execute(p, "skills.submit", d.id, Object.fromEntries(answers.map((a, q) => [`q:q${q}`, String(a)])));
        const score = answers.filter((a, q) => a === correct[q]).length;
        log.skills.push({ learnerId: p.objectId, phase, score, maxScore: correct.length, at: clock.now.toISOString() });
      });
    }
  };

  // The planner reads the same simulated time as everything else.
  const plannerClock = { now: () => clock.now.getTime(), sleep: systemClock.sleep };
  const startAt = Date.parse(`${spec.start}T00:00:00Z`);
  for (let week = 0; startAt + week * 7 * DAY < runEnd; week++) {
    const weekStart = startAt + week * 7 * DAY;
    // Plan the coming week shortly before it begins, then answer what was planned.
    at(weekStart - 3_600_000, async () => {
      await planTenant(api.storage, tenantId, { clock: plannerClock, lookbackMs: DAY, horizonMs: 8 * DAY });
      for (const team of teams.filter((t) => t.role === "pilot"))
        for (const p of [team.manager, ...team.members]) {
          const page = await api.storage.deliveries.forRecipient(
            tenantId,
            p.objectId,
            { from: new Date(clock.now.getTime() - 2 * DAY), to: new Date(clock.now.getTime() + 9 * DAY) },
            { pageSize: 1000 },
          );
          for (const { value } of page.items) answer(p, value);
        }
    });
    // Comparison managers observe their own teams, on the pilot's rhythm, without cards.
    if (week % spec.checklistEveryWeeks === 0)
      for (const team of teams.filter((t) => t.role === "comparison")) {
        const when = weekStart + int(0, 6) * DAY + int(7, 19) * 3_600_000;
        const ratings = team.members.flatMap((m) =>
          behaviours.flatMap((b) =>
            r() < spec.rates.rated ? [{ m, b, level: int(0, b.rubric.levels.length - 1) }] : [],
          ),
        );
        if (ratings.length === 0 || when > runEnd) continue;
        at(when, async () => {
          const observedAt = clock.now.toISOString();
          await recordObservations(
            api.storage,
            program,
            team.id,
            ratings.map(({ m, b, level }) => ({
              id: randomUUID(),
              tenantId,
              programId: program.id,
              teamId: team.id,
              managerObjectId: team.manager.objectId,
              memberObjectId: m.objectId,
              behaviourId: b.id,
              levelIndex: level,
              observedAt,
            })),
          );
          for (const { m, b, level } of ratings)
            log.observations.push({
              teamId: team.id,
              memberId: m.objectId,
              behaviourId: b.id,
              levelIndex: level,
              at: observedAt,
            });
        });
      }
  }

  // KPI values for each month, sent in by the admin the day after the value's date.
  const startMonth = spec.start.slice(0, 7);
  for (let month = firstMonth; Date.parse(`${month}-01T00:00:00Z`) < runEnd; month = nextMonth(month)) {
    const after = month > startMonth;
    const values: { kpiId: string; teamId: string | null; date: string; value: number }[] = [];
    for (const [t, team] of teams.entries()) {
      const lift = after && team.role === "pilot" ? (higher ? 1 : -1) * (1 + r() * 2) : 0;
      const days = r() < 0.2 ? [int(1, 14), int(15, 28)] : [Number(monthEnd(month).slice(8))];
      for (const day of days)
        values.push({
          kpiId: "win-rate",
          teamId: team.id,
          date: `${month}-${String(day).padStart(2, "0")}`,
          value: Math.round((30 + t / 2 + lift + (r() - 0.5)) * 100) / 100,
        });
      if (spec.leading === "team")
        values.push({ kpiId: "calls", teamId: team.id, date: monthEnd(month), value: int(5, 25) });
    }
    if (spec.leading === "organisation")
      values.push({ kpiId: "calls", teamId: null, date: monthEnd(month), value: int(5, 25) });
    const sendAt = Date.parse(`${monthEnd(month)}T00:00:00Z`) + DAY + 8 * 3_600_000;
    if (sendAt > runEnd) continue;
    at(sendAt, async () => {
      for (const kpiId of new Set(values.map((v) => v.kpiId))) {
        const mine = values.filter((v) => v.kpiId === kpiId);
        await call("POST", `/kpis/${kpiId}/values`, {
          values: mine.map((v) =>
            v.teamId ? { teamId: v.teamId, date: v.date, value: v.value } : { date: v.date, value: v.value },
          ),
        });
        for (const v of mine) log.kpiValues.set(`${v.kpiId}|${v.teamId ?? ""}|${v.date}`, v);
      }
    });
    // Now and then a value is corrected a few days later: the stored value is the later one.
    if (r() < 0.3) {
      const first = values[0];
      if (first && sendAt + 3 * DAY <= runEnd)
        at(sendAt + 3 * DAY, async () => {
          const corrected = { ...first, value: first.value + 1 };
          await call("POST", `/kpis/${first.kpiId}/values`, {
            values: [{ teamId: corrected.teamId ?? undefined, date: corrected.date, value: corrected.value }],
          });
          log.kpiValues.set(`${first.kpiId}|${first.teamId ?? ""}|${first.date}`, corrected);
        });
    }
  }
  for (const day of spec.readAt) at(startAt + day * DAY + 12 * 3_600_000, () => read(log));

  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at);
    const next = events.shift();
    if (!next) break;
    clock.now = new Date(Math.max(next.at, clock.now.getTime()));
    await next.run();
  }
  expect(log.observations.length + log.kpiValues.size).toBeGreaterThan(0);
  return log;
}
