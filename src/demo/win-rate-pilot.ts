import {
  type Asset,
  addDays,
  type Delivery,
  deliveryIdFor,
  type Kpi,
  type KpiValue,
  type Observation,
  type Program,
  type TeamInput,
  zonedTimeToUtc,
} from "../domain/index.js";
import { rebuildKpiRollups, rebuildRollups } from "../measure/rollups/index.js";
import { onboardTenant } from "../onboarding/index.js";
import type { Storage } from "../storage/index.js";
import { DEMO_TENANT_ID, demoObjectId, seededRandom } from "./demo-ids.js";

/**
 * Scenario 1 of the product spec: "Discovery that wins", a win-rate pilot with three pilot teams (London,
 * New York, Kolkata) and two comparison teams, running since 7 September, with the weeks of challenges,
 * observations and monthly KPI values a real pilot would have by now.
 */
export const WIN_RATE_PILOT = {
  tenantId: DEMO_TENANT_ID,
  programId: "discovery-that-wins",
  outcomeKpiId: "win-rate",
  leadingKpiId: "documented-need",
  windowStart: "2026-09-07",
  windowEnd: "2026-12-31",
} as const;

const SEED_NAME = "win-rate-pilot";
const T = DEMO_TENANT_ID;
const P = WIN_RATE_PILOT.programId;

interface DemoTeam {
  id: string;
  name: string;
  role: "pilot" | "comparison";
  manager: [name: string, timeZone: string, locale: string];
  members: [name: string, timeZone: string, locale: string][];
  /** Monthly win rate, Jul–Oct: pilot teams improve after the September start, comparison teams drift. */
  winRate: number[];
  documentedNeed: number[];
}

const LON = "Europe/London";
const NYC = "America/New_York";
const KOL = "Asia/Kolkata";

export const demoTeams: DemoTeam[] = [
  {
    id: "emea-enterprise",
    name: "Enterprise EMEA",
    role: "pilot",
    manager: ["Amelia Clarke", LON, "en-GB"],
    members: [
      ["Harry Wilson", LON, "en-GB"],
      ["Isla Thompson", LON, "en-GB"],
      ["Noah Davies", LON, "en-GB"],
      ["Freya Patel", LON, "en-GB"],
      ["Arjun Mehta", KOL, "en-IN"],
    ],
    winRate: [27.6, 28.3, 29.4, 31.2],
    documentedNeed: [41, 43, 52, 61],
  },
  {
    id: "na-midmarket",
    name: "Mid-Market East",
    role: "pilot",
    manager: ["Marcus Johnson", NYC, "en-US"],
    members: [
      ["Emily Carter", NYC, "en-US"],
      ["Jacob Rivera", NYC, "en-US"],
      ["Olivia Brooks", NYC, "en-US"],
      ["Ethan Nguyen", NYC, "en-US"],
      ["Grace Kim", NYC, "en-US"],
    ],
    winRate: [28.4, 27.9, 29.1, 30.4],
    documentedNeed: [38, 40, 49, 57],
  },
  {
    id: "apac-growth",
    name: "APAC Growth",
    role: "pilot",
    manager: ["Priya Raman", KOL, "en-IN"],
    members: [
      ["Rohan Iyer", KOL, "en-IN"],
      ["Ananya Sharma", KOL, "en-IN"],
      ["Vikram Nair", KOL, "en-IN"],
      ["Meera Pillai", KOL, "en-IN"],
      ["Daniel Lee", LON, "en-GB"],
    ],
    winRate: [27.8, 28.1, 28.9, 30.1],
    documentedNeed: [40, 39, 47, 55],
  },
  {
    id: "uk-commercial",
    name: "Commercial UK",
    role: "comparison",
    manager: ["Oliver Bennett", LON, "en-GB"],
    members: [
      ["Sophie Turner", LON, "en-GB"],
      ["Jack Morgan", LON, "en-GB"],
      ["Chloe Evans", LON, "en-GB"],
      ["Leo Hughes", LON, "en-GB"],
      ["Mia Roberts", LON, "en-GB"],
    ],
    winRate: [28.2, 27.7, 28.4, 28.6],
    documentedNeed: [42, 41, 43, 44],
  },
  {
    id: "na-enterprise",
    name: "Enterprise East",
    role: "comparison",
    manager: ["Sofia Martinez", NYC, "en-US"],
    members: [
      ["Liam Walker", NYC, "en-US"],
      ["Ava Mitchell", NYC, "en-US"],
      ["Lucas Scott", NYC, "en-US"],
      ["Zoe Adams", NYC, "en-US"],
      ["Kavya Reddy", KOL, "en-IN"],
    ],
    winRate: [27.9, 28.5, 28.3, 28.8],
    documentedNeed: [39, 40, 41, 41],
  },
];

/** Month-end dates of the values above; October's arrived in early November, November's is not in yet. */
const KPI_DATES = ["2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"];

const person = ([name, timeZone, locale]: [string, string, string]) => ({
  objectId: demoObjectId(name),
  displayName: name,
  timeZone,
  locale,
});

export function demoTeamInputs(): TeamInput[] {
  return demoTeams.map((t) => ({
    id: t.id,
    tenantId: T,
    name: t.name,
    manager: person(t.manager),
    members: t.members.map(person),
  }));
}

/** The demo manager a newcomer signs in as: Amelia Clarke, pilot team Enterprise EMEA, London. */
export const DEMO_MANAGER = {
  name: "Amelia Clarke",
  objectId: demoObjectId("Amelia Clarke"),
  teamId: "emea-enterprise",
};
export const DEMO_ADMIN = { name: "Dana Whitfield", objectId: demoObjectId("Dana Whitfield") };

const rubric = { levels: ["Not yet", "Sometimes", "Consistently"] };

function kpis(): Kpi[] {
  return [
    {
      id: WIN_RATE_PILOT.outcomeKpiId,
      tenantId: T,
      name: "Win rate",
      unit: "%",
      direction: "higher_is_better",
      baseline: { value: 28, date: "2026-07-01" },
      target: { value: 34, date: "2026-12-31" },
      level: "team",
      source: "csv",
    },
    {
      id: WIN_RATE_PILOT.leadingKpiId,
      tenantId: T,
      name: "Opportunities with a documented customer need",
      unit: "%",
      direction: "higher_is_better",
      baseline: { value: 40, date: "2026-07-01" },
      target: { value: 70, date: "2026-12-31" },
      level: "team",
      source: "manual",
    },
  ];
}

function program(now: string): Program {
  return {
    id: P,
    tenantId: T,
    name: "Discovery that wins",
    status: "active",
    activeSince: null,
    discover: {
      problemToday: "Reps pitch before they understand the customer's problem; win rate has sat at 28% for a year.",
      desiredState: "Every first meeting uncovers the customer's need in their words before any proposal.",
      barriers: ["Managers rarely join discovery calls", "Quota pressure rewards speed over listening"],
      strategicObjective: "Grow new-logo revenue 15% in FY27 without adding headcount.",
    },
    outcomeKpiId: WIN_RATE_PILOT.outcomeKpiId,
    leadingKpiIds: [WIN_RATE_PILOT.leadingKpiId],
    window: { start: WIN_RATE_PILOT.windowStart, end: WIN_RATE_PILOT.windowEnd },
    // One point of win rate across the pilot teams for the quarter, and the program's full cost.
    valuation: { currency: "EUR", unitWorth: 40_000, cost: 65_000 },
    reviewCadence: "monthly",
    teams: demoTeams.map((t) => ({ teamId: t.id, role: t.role })),
    owners: [DEMO_ADMIN.objectId],
    chain: {
      skills: [
        { id: "needs-discovery", name: "Needs discovery", description: "Finding the problem behind the request." },
        { id: "active-listening", name: "Active listening", description: "Hearing, checking and reflecting back." },
      ],
      behaviours: [
        {
          id: "open-questions",
          name: "Asks open discovery questions",
          skillIds: ["needs-discovery"],
          rubric,
          kpiIds: [WIN_RATE_PILOT.outcomeKpiId, WIN_RATE_PILOT.leadingKpiId],
        },
        {
          id: "summarises-need",
          name: "Summarises the customer's need before proposing",
          skillIds: ["active-listening", "needs-discovery"],
          rubric,
          kpiIds: [WIN_RATE_PILOT.outcomeKpiId],
        },
      ],
    },
    schedule: {
      entries: [
        {
          id: "weekly-challenge-a",
          assetId: "challenge-count-questions",
          audience: "managers",
          cadence: { kind: "weekly", weekdays: [2], everyWeeks: 2, fromWeek: 1 },
          localTime: "09:00",
        },
        {
          id: "weekly-challenge-b",
          assetId: "challenge-hear-the-summary",
          audience: "managers",
          cadence: { kind: "weekly", weekdays: [2], everyWeeks: 2, fromWeek: 2 },
          localTime: "09:00",
        },
        {
          id: "monday-talk-track",
          assetId: "talk-track-discovery",
          audience: "managers",
          cadence: { kind: "weekly", weekdays: [1], everyWeeks: 1, fromWeek: 1 },
          localTime: "09:00",
        },
        {
          id: "coaching-guide",
          assetId: "guide-discovery-coaching",
          audience: "managers",
          cadence: { kind: "once", week: 2, weekday: 3 },
          localTime: "10:00",
        },
        {
          id: "fortnightly-checklist",
          assetId: "checklist-discovery",
          audience: "managers",
          cadence: { kind: "weekly", weekdays: [5], everyWeeks: 2, fromWeek: 1 },
          localTime: "14:00",
        },
        {
          id: "nudge-tuesday",
          assetId: "nudge-open-question",
          audience: "learners",
          cadence: { kind: "weekly", weekdays: [2], everyWeeks: 1, fromWeek: 1 },
          localTime: "10:00",
        },
        {
          id: "nudge-thursday",
          assetId: "nudge-reflect-summary",
          audience: "learners",
          cadence: { kind: "weekly", weekdays: [4], everyWeeks: 1, fromWeek: 1 },
          localTime: "16:00",
        },
        {
          id: "skills-check-pre",
          assetId: "skills-check-discovery",
          audience: "learners",
          cadence: { kind: "once", week: 1, weekday: 1 },
          localTime: "11:00",
          phase: "pre",
        },
        {
          id: "skills-check-post",
          assetId: "skills-check-discovery",
          audience: "learners",
          cadence: { kind: "once", week: "last", weekday: 1 },
          localTime: "11:00",
          phase: "post",
        },
      ],
      quietHours: { start: "19:00", end: "08:00" },
      maxPerPersonPerDay: 3,
      spacingDays: [2, 5, 12, 26],
    },
    createdAt: "2026-08-20T10:00:00.000Z",
    updatedAt: now,
  };
}

function assets(now: string): Asset[] {
  const base = { tenantId: T, programId: P, updatedAt: now };
  return [
    {
      ...base,
      id: "challenge-count-questions",
      kind: "micro_challenge",
      title: "Count the open questions",
      behaviourIds: ["open-questions"],
      content: {
        task: "Join one discovery call this week. Count the open questions your rep asks in the first ten minutes, and tell them the best one.",
        reflectionPrompt: "Which question opened the conversation up most?",
      },
    },
    {
      ...base,
      id: "challenge-hear-the-summary",
      kind: "micro_challenge",
      title: "Hear the summary",
      behaviourIds: ["summarises-need"],
      content: {
        task: "In one deal review, ask your rep to summarise the customer's need in the customer's words before talking about the proposal.",
        reflectionPrompt: "Could they? What was missing?",
      },
    },
    {
      ...base,
      id: "talk-track-discovery",
      kind: "talk_track",
      title: "Monday huddle: discovery before pitch",
      behaviourIds: ["open-questions", "summarises-need"],
      content: {
        intro: "Five minutes in your Monday huddle.",
        steps: [
          "Share one great open question you heard last week.",
          "Ask: which deal this week needs more discovery?",
          "Agree one call each where you'll summarise the need before proposing.",
        ],
      },
    },
    {
      ...base,
      id: "guide-discovery-coaching",
      kind: "conversation_guide",
      title: "1:1 coaching on discovery",
      behaviourIds: ["open-questions", "summarises-need"],
      content: {
        opening: "Let's look at one recent first meeting together.",
        questions: [
          "What did the customer say the problem was, in their words?",
          "Which of your questions got the longest answer?",
          "When did you first mention our product?",
        ],
        closing: "Pick one question you'll ask in every first meeting this week.",
      },
    },
    {
      ...base,
      id: "checklist-discovery",
      kind: "observation_checklist",
      title: "Discovery checklist",
      behaviourIds: ["open-questions", "summarises-need"],
      content: { instructions: "Rate each person on what you saw in the last two weeks." },
    },
    {
      ...base,
      id: "nudge-open-question",
      kind: "nudge",
      title: "Try an open question",
      behaviourIds: ["open-questions"],
      content: {
        prompt:
          'In your next first call, swap one yes/no question for "What would have to be true for this to be a success?" How did it land?',
        style: "practice",
      },
    },
    {
      ...base,
      id: "nudge-reflect-summary",
      kind: "nudge",
      title: "Reflect: did you summarise?",
      behaviourIds: ["summarises-need"],
      content: {
        prompt: "Think of your last proposal. Did you play the customer's need back to them first?",
        style: "reflection",
      },
    },
    {
      ...base,
      id: "skills-check-discovery",
      kind: "skills_check",
      title: "Discovery skills check",
      behaviourIds: ["open-questions", "summarises-need"],
      content: {
        questions: [
          {
            id: "q1",
            text: "Which is an open discovery question?",
            options: ["Do you have a budget?", "What happens if you don't solve this?", "Is Tuesday good for a demo?"],
            correctIndex: 1,
          },
          {
            id: "q2",
            text: "When should you summarise the customer's need?",
            options: ["After the proposal", "Before proposing anything", "Only if asked"],
            correctIndex: 1,
          },
          {
            id: "q3",
            text: "A customer says 'we need a faster tool'. Best next step?",
            options: ["Demo the fastest feature", "Ask what slowness costs them today", "Send pricing"],
            correctIndex: 1,
          },
          {
            id: "q4",
            text: "Active listening means…",
            options: ["Waiting to speak", "Checking you understood, in their words", "Taking notes silently"],
            correctIndex: 1,
          },
        ],
      },
    },
  ] satisfies Asset[];
}

function kpiValues(now: string): { kpiId: string; values: KpiValue[] }[] {
  const valuesFor = (kpiId: string, pick: (t: DemoTeam) => number[]) => ({
    kpiId,
    values: demoTeams.flatMap((team) =>
      KPI_DATES.map((date, i) => ({
        tenantId: T,
        kpiId,
        teamId: team.id,
        date,
        value: pick(team)[i] ?? 0,
        source: "csv" as const,
        recordedAt: now,
      })),
    ),
  });
  return [
    valuesFor(WIN_RATE_PILOT.outcomeKpiId, (t) => t.winRate),
    valuesFor(WIN_RATE_PILOT.leadingKpiId, (t) => t.documentedNeed),
  ];
}

/** Fortnightly checklists since the start: each pilot manager rates most members; levels rise with time. */
function observations(nowDate: Date, random: () => number): Observation[] {
  const result: Observation[] = [];
  for (const team of demoTeams.filter((t) => t.role === "pilot")) {
    const manager = person(team.manager);
    for (let week = 1; ; week += 2) {
      const friday = addDays(WIN_RATE_PILOT.windowStart, (week - 1) * 7 + 4);
      const at = zonedTimeToUtc(friday, "15:30", manager.timeZone);
      if (at >= nowDate) break;
      const progress = Math.min(week / 12, 1);
      for (const member of team.members.map(person)) {
        if (random() > 0.8) continue;
        for (const behaviourId of ["open-questions", "summarises-need"]) {
          const roll = random() + progress * 0.6 - (behaviourId === "summarises-need" ? 0.15 : 0);
          const levelIndex = roll > 1.05 ? 2 : roll > 0.5 ? 1 : 0;
          result.push({
            id: `seed-${team.id}-w${week}-${member.objectId.slice(0, 8)}-${behaviourId}`,
            tenantId: T,
            programId: P,
            teamId: team.id,
            managerObjectId: manager.objectId,
            memberObjectId: member.objectId,
            behaviourId,
            levelIndex,
            note: levelIndex === 2 && random() > 0.7 ? "Great open question on the Fabrikam call." : "",
            observedAt: at.toISOString(),
            deliveryId: null,
          });
        }
      }
    }
  }
  return result;
}

/** The challenge cards already sent to pilot managers, with most of them done. */
function challengeHistory(nowDate: Date, random: () => number) {
  const deliveries: Delivery[] = [];
  for (const team of demoTeams.filter((t) => t.role === "pilot")) {
    const manager = person(team.manager);
    for (let week = 1; ; week++) {
      const tuesday = addDays(WIN_RATE_PILOT.windowStart, (week - 1) * 7 + 1);
      const slot = zonedTimeToUtc(tuesday, "09:00", manager.timeZone);
      if (slot >= nowDate) break;
      const assetId = week % 2 === 1 ? "challenge-count-questions" : "challenge-hear-the-summary";
      const done = random() < 0.75 && slot.getTime() < nowDate.getTime() - 86_400_000;
      const at = new Date(slot.getTime() + 4 * 3_600_000).toISOString();
      deliveries.push({
        id: deliveryIdFor(P, assetId, manager.objectId, slot),
        tenantId: T,
        programId: P,
        assetId,
        scheduleEntryId: week % 2 === 1 ? "weekly-challenge-a" : "weekly-challenge-b",
        teamId: team.id,
        recipientObjectId: manager.objectId,
        recipientRole: "manager",
        slot: slot.toISOString(),
        status: done ? "completed" : "sent",
        attempts: 1,
        lastError: null,
        activityId: null,
        conversationId: null,
        sentAt: slot.toISOString(),
        completedAt: done ? at : null,
        updatedAt: done ? at : slot.toISOString(),
      });
    }
  }
  return deliveries;
}

/** Seeds scenario 1 into the demo tenant unless it was seeded before. Returns whether it seeded. */
export async function seedWinRatePilot(storage: Storage, now: Date = new Date()): Promise<boolean> {
  if (await storage.seedMarkers.has(T, SEED_NAME)) return false;
  const at = now.toISOString();
  const random = seededRandom(20260907);

  // Through onboarding like every tenant; the demo's name and admin are given rather than read from Graph.
  await onboardTenant(
    storage,
    { tenantId: T, displayName: "Contoso (demo)", nameSource: "given", adminObjectIds: [DEMO_ADMIN.objectId] },
    now,
  );
  for (const kpi of kpis()) await ignoreExisting(() => storage.kpis.save(kpi));
  for (const { kpiId, values } of kpiValues(at)) await storage.kpiValues.upsertMany(T, kpiId, values);
  for (const team of demoTeamInputs()) await ignoreExisting(() => storage.teams.save(team));
  for (const asset of assets(at)) await ignoreExisting(() => storage.assets.save(asset));
  await ignoreExisting(() => storage.programs.save(program(at)));

  const byTeam = new Map<string, Observation[]>();
  for (const o of observations(now, random)) byTeam.set(o.teamId, [...(byTeam.get(o.teamId) ?? []), o]);
  for (const [teamId, list] of byTeam) {
    for (let i = 0; i < list.length; i += 100)
      await ignoreExisting(() => storage.observations.addForTeam(T, teamId, list.slice(i, i + 100)));
  }

  for (const delivery of challengeHistory(now, random)) {
    await ignoreExisting(() => storage.deliveries.create(delivery));
    if (delivery.status === "completed") {
      await storage.challengeCompletions.record({
        tenantId: T,
        deliveryId: delivery.id,
        programId: P,
        assetId: delivery.assetId,
        teamId: delivery.teamId,
        managerObjectId: delivery.recipientObjectId,
        outcome: "done",
        reflection: random() > 0.5 ? "They asked four open questions; the best was about cost of delay." : "",
        at: delivery.completedAt ?? at,
      });
    }
  }

  for (const team of demoTeams.filter((t) => t.role === "pilot")) {
    for (const member of team.members.map(person)) {
      const answers = [0, 1, 2, 3].map(() => (random() < 0.45 ? 1 : 0));
      await storage.skillsCheckResults.record({
        tenantId: T,
        deliveryId: `seed-pre-${member.objectId.slice(0, 8)}`,
        programId: P,
        assetId: "skills-check-discovery",
        learnerObjectId: member.objectId,
        phase: "pre",
        answers,
        score: answers.filter((a) => a === 1).length,
        maxScore: 4,
        at: zonedTimeToUtc(WIN_RATE_PILOT.windowStart, "11:30", member.timeZone).toISOString(),
      });
    }
  }

  // The seed writes raw records in bulk; one rebuild from them is much faster at start-up than updating
  // the rollups record by record (two read-modify-writes each), and leaves the same figures.
  await rebuildRollups(storage, program(at));
  for (const kpi of kpis()) await rebuildKpiRollups(storage, T, kpi.id);
  return storage.seedMarkers.mark(T, SEED_NAME, now);
}

/** A seed interrupted half-way is rerun on the next start: rows it already wrote are left as they are. */
async function ignoreExisting(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if ((error as Error).name !== "AlreadyExistsError") throw error;
  }
}
