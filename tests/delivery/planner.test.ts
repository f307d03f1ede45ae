import { describe, expect, it } from "vitest";
import { type PlanInput, planDeliveries, planWindow } from "../../src/delivery/index.js";
import {
  type Conversation,
  type Delivery,
  type Program,
  parseAsset,
  parseProgram,
  parseTeam,
  type ScheduleEntry,
  type Team,
} from "../../src/domain/index.js";
import { aChallenge, aProgram, aTeam, now, person } from "../support/fixtures.js";

const tenantId = "6f1b2c3d-0000-4000-8000-000000000001";

function entry(overrides: Partial<ScheduleEntry> = {}): ScheduleEntry {
  return {
    id: "tue-challenge",
    assetId: "challenge-1",
    audience: "managers",
    cadence: { kind: "weekly", weekdays: [2], everyWeeks: 1, fromWeek: 1 },
    localTime: "09:00",
    ...overrides,
  };
}

function program(
  entries: ScheduleEntry[],
  schedule: Partial<Program["schedule"]> = {},
  overrides: Partial<Program> = {},
) {
  const base = aProgram(tenantId, {
    status: "active",
    window: { start: "2026-01-05", end: "2026-12-31" },
    ...overrides,
  });
  return parseProgram({ ...base, schedule: { ...base.schedule, entries, quietHours: null, ...schedule } });
}

function conversationOf(objectId: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    tenantId,
    objectId: objectId.toLowerCase(),
    conversationId: `a:${objectId}`,
    serviceUrl: "https://smba.example.test/emea/",
    botId: "28:bot",
    reachable: true,
    reachableSince: null,
    unreachableReason: null,
    pausedUntil: null,
    updatedAt: now,
    ...overrides,
  };
}

function setup(programs: Program[], managerZone = "Europe/London", extraTeams: Team[] = []) {
  const teamA = parseTeam(aTeam(tenantId, { manager: person("Manager M", managerZone) }));
  const teamB = parseTeam(
    aTeam(tenantId, { id: "team-b", name: "Team B", manager: person("Comparison C", managerZone) }),
  );
  const teams = [teamA, teamB, ...extraTeams];
  const conversations = new Map<string, Conversation>();
  for (const t of teams)
    for (const p of [t.manager, ...t.members]) conversations.set(p.objectId, conversationOf(p.objectId));
  const input: PlanInput = {
    programs: programs.map((p) => ({
      program: p,
      assets: [aChallenge(tenantId), aChallenge(tenantId, { id: "challenge-2" })],
    })),
    teams: new Map(teams.map((t) => [t.id, t])),
    conversations,
    existing: [],
    from: new Date("2026-01-01T00:00:00Z"),
    to: new Date("2026-12-31T00:00:00Z"),
    now: new Date("2026-01-01T00:00:00Z"),
  };
  return { input, teamA, teamB };
}

const slots = (deliveries: Delivery[]) => deliveries.map((d) => d.slot);
const between = (deliveries: Delivery[], from: string, to: string) =>
  slots(deliveries).filter((s) => s >= from && s < to);

describe("planDeliveries: local time in the recipient's zone", () => {
  it("keeps 09:00 local across Europe/London's spring and autumn changes", () => {
    const { input } = setup([program([entry()])]);
    const planned = planDeliveries(input);
    expect(between(planned, "2026-03-23", "2026-04-01")).toEqual([
      "2026-03-24T09:00:00.000Z",
      "2026-03-31T08:00:00.000Z",
    ]);
    expect(between(planned, "2026-10-19", "2026-10-28")).toEqual([
      "2026-10-20T08:00:00.000Z",
      "2026-10-27T09:00:00.000Z",
    ]);
  });

  it("keeps 09:00 local across America/New_York's changes, and moves a time that does not exist forward", () => {
    const { input } = setup(
      [
        program([
          entry(),
          entry({
            id: "sunday",
            cadence: { kind: "weekly", weekdays: [7], everyWeeks: 1, fromWeek: 1 },
            localTime: "02:30",
            assetId: "challenge-2",
          }),
        ]),
      ],
      "America/New_York",
    );
    const planned = planDeliveries(input);
    expect(between(planned, "2026-03-03", "2026-03-11")).toEqual([
      "2026-03-03T14:00:00.000Z",
      "2026-03-08T07:30:00.000Z",
      "2026-03-10T13:00:00.000Z",
    ]);
    // 1 November: 01:00–02:00 happens twice; 02:30 happens once, in EST.
    expect(between(planned, "2026-10-27", "2026-11-04")).toEqual([
      "2026-10-27T13:00:00.000Z",
      "2026-11-01T07:30:00.000Z",
      "2026-11-03T14:00:00.000Z",
    ]);
  });

  it("places 09:00 in Asia/Kolkata at 03:30 UTC, all year", () => {
    const { input } = setup([program([entry()])], "Asia/Kolkata");
    const planned = planDeliveries(input);
    expect(planned.length).toBeGreaterThan(50);
    expect(new Set(planned.map((d) => d.slot.slice(11)))).toEqual(new Set(["03:30:00.000Z"]));
  });

  it("plans only inside the program's window and the [from, to) range", () => {
    const { input } = setup([program([entry()], {}, { window: { start: "2026-09-07", end: "2026-09-30" } })]);
    expect(slots(planDeliveries(input))).toEqual([
      "2026-09-08T08:00:00.000Z",
      "2026-09-15T08:00:00.000Z",
      "2026-09-22T08:00:00.000Z",
      "2026-09-29T08:00:00.000Z",
    ]);
    const narrow = { ...input, from: new Date("2026-09-15T08:00:00Z"), to: new Date("2026-09-22T08:00:00Z") };
    expect(slots(planDeliveries(narrow))).toEqual(["2026-09-15T08:00:00.000Z"]);
  });
});

describe("planDeliveries: quiet hours", () => {
  const window = { window: { start: "2026-09-07", end: "2026-09-13" } };

  it("moves an evening slot to the end of quiet hours the next morning, and an early one to the same morning", () => {
    const entries = [
      entry({ id: "late", localTime: "21:00" }),
      entry({
        id: "early",
        localTime: "06:30",
        assetId: "challenge-2",
        cadence: { kind: "weekly", weekdays: [4], everyWeeks: 1, fromWeek: 1 },
      }),
    ];
    const { input } = setup([program(entries, { quietHours: { start: "20:00", end: "08:00" } }, window)]);
    // Tuesday 21:00 BST → Wednesday 08:00 BST; Thursday 06:30 → Thursday 08:00 BST.
    expect(slots(planDeliveries(input))).toEqual(["2026-09-09T07:00:00.000Z", "2026-09-10T07:00:00.000Z"]);
  });

  it("moves a slot out of quiet hours that do not wrap midnight, and leaves slots outside them alone", () => {
    const entries = [entry({ localTime: "12:30" }), entry({ id: "other", assetId: "challenge-2", localTime: "13:00" })];
    const { input } = setup(
      [program(entries, { quietHours: { start: "12:00", end: "13:00" } }, window)],
      "Asia/Kolkata",
    );
    expect(slots(planDeliveries(input))).toEqual(["2026-09-08T07:30:00.000Z", "2026-09-08T07:30:00.000Z"]);
  });
});

describe("planDeliveries: who gets what", () => {
  const window = { window: { start: "2026-09-07", end: "2026-09-13" } };

  it("caps a person's day across programs, keeping the earliest, and counts what is already planned", () => {
    const times = ["09:00", "10:00", "11:00", "12:00"];
    const first = program(
      times.map((t, i) => entry({ id: `e${i}`, localTime: t, assetId: i % 2 ? "challenge-2" : "challenge-1" })),
      { maxPerPersonPerDay: 3 },
      window,
    );
    const { input, teamA } = setup([first]);
    expect(slots(planDeliveries(input))).toEqual([
      "2026-09-08T08:00:00.000Z",
      "2026-09-08T09:00:00.000Z",
      "2026-09-08T10:00:00.000Z",
    ]);

    // Another program already has one card for the manager that day (07:30 local): two are left.
    const other: Delivery = {
      ...(planDeliveries(input)[0] as Delivery),
      id: "20260908T063000Z-other",
      programId: "prog-2",
      slot: "2026-09-08T06:30:00.000Z",
      recipientObjectId: teamA.manager.objectId,
    };
    expect(slots(planDeliveries({ ...input, existing: [other] }))).toEqual([
      "2026-09-08T08:00:00.000Z",
      "2026-09-08T09:00:00.000Z",
    ]);
    // A failed or cancelled delivery reached no one and does not count.
    expect(planDeliveries({ ...input, existing: [{ ...other, status: "cancelled" }] })).toHaveLength(3);
  });

  it("sends nothing to comparison teams, and learner entries to members only", () => {
    const { input, teamA, teamB } = setup([
      program([entry(), entry({ id: "nudge", audience: "learners", assetId: "challenge-2" })], {}, window),
    ]);
    const planned = planDeliveries(input);
    const recipients = new Set(planned.map((d) => d.recipientObjectId));
    expect(recipients).toEqual(new Set([teamA.manager, ...teamA.members].map((p) => p.objectId)));
    for (const p of [teamB.manager, ...teamB.members]) expect(recipients.has(p.objectId)).toBe(false);
    expect(planned.filter((d) => d.recipientRole === "learner")).toHaveLength(teamA.members.length);
    expect(planned.every((d) => d.teamId === "team-a")).toBe(true);
  });

  it("skips people who paused, are unreachable or never installed the bot", () => {
    const { input, teamA } = setup([program([entry({ audience: "learners" })], {}, window)]);
    const [paused, unreachable, missing] = teamA.members.map((m) => m.objectId) as [string, string, string];
    const conversations = new Map(input.conversations);
    conversations.set(paused, conversationOf(paused, { pausedUntil: "2026-09-10T00:00:00.000Z" }));
    conversations.set(unreachable, conversationOf(unreachable, { reachable: false, unreachableReason: "uninstalled" }));
    conversations.delete(missing);
    expect(planDeliveries({ ...input, conversations })).toEqual([]);
    // The pause ends before the slot: the slot is planned.
    conversations.set(paused, conversationOf(paused, { pausedUntil: "2026-09-08T07:00:00.000Z" }));
    expect(planDeliveries({ ...input, conversations }).map((d) => d.recipientObjectId)).toEqual([paused]);
  });

  it("brings a one-off reinforcement back at the growing spacing intervals, but never a skills check", () => {
    const once = entry({ cadence: { kind: "once", week: 2, weekday: 3 } });
    const { input } = setup([
      program([once], { spacingDays: [2, 5, 12] }, { window: { start: "2026-09-07", end: "2026-12-31" } }),
    ]);
    expect(slots(planDeliveries(input))).toEqual([
      "2026-09-16T08:00:00.000Z",
      "2026-09-18T08:00:00.000Z",
      "2026-09-21T08:00:00.000Z",
      "2026-09-28T08:00:00.000Z",
    ]);
    const check = parseAsset({
      ...aChallenge(tenantId),
      kind: "skills_check",
      content: { questions: [{ id: "q1", text: "Q?", options: ["a", "b"], correctIndex: 0 }] },
    });
    const withCheck = { ...input, programs: input.programs.map((p) => ({ ...p, assets: [check] })) };
    expect(slots(planDeliveries(withCheck))).toEqual(["2026-09-16T08:00:00.000Z"]);
  });

  it("plans the same ids twice, and nothing new once they exist", () => {
    const { input } = setup([program([entry()], {}, { window: { start: "2026-09-07", end: "2026-10-31" } })]);
    const first = planDeliveries(input);
    const second = planDeliveries(input);
    expect(second.map((d) => d.id)).toEqual(first.map((d) => d.id));
    expect(planDeliveries({ ...input, existing: first })).toEqual([]);
  });

  it("plans nothing for a program that is not active", () => {
    const { input } = setup([program([entry()], {}, { status: "paused" })]);
    expect(planDeliveries(input)).toEqual([]);
  });
});

describe("planWindow: planning window by window, reading nothing back", () => {
  const daily = { kind: "weekly" as const, weekdays: [1, 2, 3, 4, 5, 6, 7], everyWeeks: 1, fromWeek: 1 };

  it("windows planned one after another give exactly the deliveries of one plan of the whole range, cap included", () => {
    const times = ["07:30", "09:00", "10:00", "11:00", "21:30"];
    const programs = [
      program(
        times.map((t, i) =>
          entry({ id: `e${i}`, localTime: t, assetId: i % 2 ? "challenge-2" : "challenge-1", cadence: daily }),
        ),
        { maxPerPersonPerDay: 3, quietHours: { start: "21:00", end: "08:00" } },
        { window: { start: "2026-03-20", end: "2026-04-10" } },
      ),
      program(
        [entry({ id: "nudge", audience: "learners", localTime: "09:30", cadence: daily })],
        { maxPerPersonPerDay: 3 },
        {
          id: "prog-2",
          window: { start: "2026-03-20", end: "2026-04-10" },
        },
      ),
    ];
    // Across Europe/London's spring change, with a manager in Kolkata and members in both zones.
    const { input } = setup(programs, "Asia/Kolkata");
    const from = Date.parse("2026-03-22T00:00:00Z");
    const to = Date.parse("2026-04-06T00:00:00Z");
    const whole = planWindow({ ...input, from: new Date(from), to: new Date(to) });
    // Three a day for the manager (the cap), one a day for each member.
    expect(whole.length).toBe(15 * 3 + 15 * 3);
    for (const step of [60_000 * 7, 3_600_000, 86_400_000 / 3]) {
      const windows = [];
      for (let t = from; t < to; t += step)
        windows.push(...planWindow({ ...input, from: new Date(t), to: new Date(Math.min(to, t + step)) }));
      expect(windows.map((d) => d.id).sort()).toEqual(whole.map((d) => d.id).sort());
    }
  });

  it("a program activated mid-morning, or a person who installs at noon, keeps the day's later cards: slots never sendable take no place in the cap", () => {
    const times = ["09:00", "10:00", "11:00", "12:00", "13:00"];
    const entries = times.map((t, i) =>
      entry({ id: `e${i}`, localTime: t, assetId: i % 2 ? "challenge-2" : "challenge-1", cadence: daily }),
    );
    const window = { start: "2026-09-07", end: "2026-09-13" };
    // Activated at 10:30 London time (09:30 UTC) on Tuesday 8 September, a cap of three a day.
    const activated = program(entries, { maxPerPersonPerDay: 3 }, { window, activeSince: "2026-09-08T09:30:00.000Z" });
    const { input, teamA } = setup([activated]);
    const manager = teamA.manager.objectId.toLowerCase();
    const rest = { from: new Date("2026-09-08T09:30:00Z"), to: new Date("2026-09-09T00:00:00Z") };
    const slotsOf = (who: string, planned: Delivery[]) => slots(planned.filter((d) => d.recipientObjectId === who));
    const managerSlots = (planned: Delivery[]) => slotsOf(manager, planned);
    expect(managerSlots(planWindow({ ...input, ...rest }))).toEqual([
      "2026-09-08T10:00:00.000Z",
      "2026-09-08T11:00:00.000Z",
      "2026-09-08T12:00:00.000Z",
    ]);
    // The next day the cap keeps the first three, as ever.
    const wednesday = { from: new Date("2026-09-09T00:00:00Z"), to: new Date("2026-09-10T00:00:00Z") };
    expect(managerSlots(planWindow({ ...input, ...wednesday }))).toEqual([
      "2026-09-09T08:00:00.000Z",
      "2026-09-09T09:00:00.000Z",
      "2026-09-09T10:00:00.000Z",
    ]);

    // A program active all along, and a manager who installed the app at 11:45 London time.
    const { input: installed, teamA: later } = setup([program(entries, { maxPerPersonPerDay: 3 }, { window })]);
    const conversations = new Map(installed.conversations);
    const newcomer = later.manager.objectId.toLowerCase();
    conversations.set(newcomer, conversationOf(newcomer, { reachableSince: "2026-09-08T10:45:00.000Z" }));
    const afternoon = { from: new Date("2026-09-08T10:45:00Z"), to: new Date("2026-09-09T00:00:00Z") };
    expect(slotsOf(newcomer, planWindow({ ...installed, conversations, ...afternoon }))).toEqual([
      "2026-09-08T11:00:00.000Z",
      "2026-09-08T12:00:00.000Z",
    ]);
    // Planned hour by hour, the windows agree with one plan of the rest of the day.
    const hourly: Delivery[] = [];
    for (let t = afternoon.from.getTime(); t < afternoon.to.getTime(); t += 3_600_000)
      hourly.push(...planWindow({ ...installed, conversations, from: new Date(t), to: new Date(t + 3_600_000) }));
    expect(slotsOf(newcomer, hourly)).toEqual(["2026-09-08T11:00:00.000Z", "2026-09-08T12:00:00.000Z"]);
  });

  it("plans only the people named, and nothing in a window without slots", () => {
    const { input, teamA } = setup([
      program([entry({ audience: "learners" })], {}, { window: { start: "2026-09-07", end: "2026-09-13" } }),
    ]);
    const week = { from: new Date("2026-09-07T00:00:00Z"), to: new Date("2026-09-14T00:00:00Z") };
    const one = teamA.members[0]?.objectId.toLowerCase() ?? "";
    expect(planWindow({ ...input, ...week, people: new Set([one]) }).map((d) => d.recipientObjectId)).toEqual([one]);
    expect(planWindow({ ...input, ...week })).toHaveLength(teamA.members.length);
    const night = { from: new Date("2026-09-08T00:00:00Z"), to: new Date("2026-09-08T03:00:00Z") };
    expect(planWindow({ ...input, ...night })).toEqual([]);
  });
});
