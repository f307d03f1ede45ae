import { randomUUID } from "node:crypto";
import {
  type Asset,
  type Delivery,
  deliveryIdFor,
  type Kpi,
  newDelivery,
  type Program,
  type TeamInput,
} from "../../src/domain/index.js";

/** Small valid aggregates for a tenant; override what a test is about. */
export const now = "2026-11-23T09:00:00.000Z";

export function person(name: string, timeZone = "Europe/London") {
  return { objectId: randomUUID(), displayName: name, timeZone, locale: "en-GB" };
}

export function aTeam(tenantId: string, overrides: Partial<TeamInput> = {}): TeamInput {
  return {
    id: "team-a",
    tenantId,
    name: "Team A",
    manager: person("Manager M"),
    members: [person("Member 1"), person("Member 2"), person("Member 3", "Asia/Kolkata")],
    ...overrides,
  };
}

export function aKpi(tenantId: string, overrides: Partial<Kpi> = {}): Kpi {
  return {
    id: "win-rate",
    tenantId,
    name: "Win rate",
    unit: "%",
    direction: "higher_is_better",
    baseline: { value: 28, date: "2026-07-01" },
    target: { value: 34, date: "2026-12-31" },
    level: "team",
    source: "csv",
    ...overrides,
  };
}

export function aProgram(tenantId: string, overrides: Partial<Program> = {}): Program {
  return {
    id: "prog-1",
    tenantId,
    name: "Discovery that wins",
    status: "draft",
    activeSince: null,
    discover: { problemToday: "", desiredState: "", barriers: [], strategicObjective: "" },
    outcomeKpiId: "win-rate",
    leadingKpiIds: [],
    window: { start: "2026-09-07", end: "2026-12-31" },
    valuation: null,
    reviewCadence: "monthly",
    teams: [
      { teamId: "team-a", role: "pilot" },
      { teamId: "team-b", role: "comparison" },
    ],
    owners: [],
    chain: {
      skills: [{ id: "discovery", name: "Needs discovery", description: "" }],
      behaviours: [
        {
          id: "open-questions",
          name: "Asks open discovery questions",
          skillIds: ["discovery"],
          rubric: { levels: ["Not yet", "Sometimes", "Consistently"] },
          kpiIds: ["win-rate"],
        },
      ],
    },
    schedule: {
      entries: [
        {
          id: "tue-challenge",
          assetId: "challenge-1",
          audience: "managers",
          cadence: { kind: "weekly", weekdays: [2], everyWeeks: 1, fromWeek: 1 },
          localTime: "09:00",
        },
      ],
      quietHours: { start: "20:00", end: "08:00" },
      maxPerPersonPerDay: 3,
      spacingDays: [2, 5, 12],
    },
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function aChallenge(tenantId: string, overrides: Partial<Asset> = {}): Asset {
  return {
    id: "challenge-1",
    tenantId,
    programId: "prog-1",
    title: "Count the open questions",
    behaviourIds: ["open-questions"],
    kind: "micro_challenge",
    content: { task: "Join one call and count the open questions.", reflectionPrompt: "" },
    updatedAt: now,
    ...overrides,
  } as Asset;
}

/** A well-formed Table Storage ETag that no row has: a stale save, as a client that read long ago sends it. */
/** A scheduled delivery of the fixtures' challenge to one person; its id follows from its program, asset and slot. */
export function aDelivery(
  tenantId: string,
  recipientObjectId: string,
  slot: Date | string,
  overrides: Partial<Delivery> = {},
): Delivery {
  const at = new Date(slot);
  const programId = overrides.programId ?? "prog-1";
  const assetId = overrides.assetId ?? "challenge-1";
  const planned = newDelivery(
    {
      id: deliveryIdFor(programId, assetId, recipientObjectId, at),
      tenantId,
      programId,
      assetId,
      scheduleEntryId: "tue-challenge",
      teamId: "team-a",
      recipientObjectId,
      recipientRole: "manager",
      slot: at,
    },
    at,
  );
  return { ...planned, ...overrides };
}

export const STALE_ETAG = "W/\"datetime'2020-01-01T00%3A00%3A00.0000000Z'\"";
