import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type AssetOf,
  canDeliverTo,
  canTransitionDelivery,
  checkValueMatchesLevel,
  deliveryIdFor,
  deliveryStatuses,
  InvalidTransitionError,
  kpiProgress,
  observationProblems,
  parseAsset,
  parseConversation,
  parseDelivery,
  parseKpi,
  parseKpiValue,
  parseNudgeResponse,
  parseObservation,
  parseSkillsCheckResult,
  parseTeam,
  reviveDelivery,
  scoreSkillsCheck,
  transitionDelivery,
  ValidationError,
} from "../../src/domain/index.js";
import { aKpi, aProgram, aTeam, now } from "../support/fixtures.js";

const tenantId = randomUUID();

function issuesOf(parse: () => unknown): string[] {
  try {
    parse();
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((i) => `${i.field}: ${i.rule}`);
  }
}

describe("KPI", () => {
  it("requires the target to improve on the baseline in the KPI's direction, after it", () => {
    expect(issuesOf(() => parseKpi(aKpi(tenantId)))).toEqual([]);
    expect(issuesOf(() => parseKpi(aKpi(tenantId, { target: { value: 20, date: "2026-06-01" } })))).toEqual([
      "target.date: must be after the baseline date",
      "target.value: must be above the baseline (28) for a higher_is_better KPI",
    ]);
    const onboarding = aKpi(tenantId, {
      direction: "lower_is_better",
      unit: "days",
      baseline: { value: 30, date: "2026-01-01" },
      target: { value: 20, date: "2026-06-30" },
    });
    expect(issuesOf(() => parseKpi(onboarding))).toEqual([]);
    expect(issuesOf(() => parseKpi({ ...aKpi(tenantId), direction: "up", level: "region" }))).toEqual([
      "direction: must be higher_is_better or lower_is_better",
      "level: must be team or organisation",
    ]);
  });

  it("measures progress as the share of the way from baseline to target, either direction", () => {
    expect(kpiProgress(parseKpi(aKpi(tenantId)), 31)).toBeCloseTo(0.5);
    expect(kpiProgress(parseKpi(aKpi(tenantId)), 27)).toBeCloseTo(-1 / 6);
    const lower = parseKpi(
      aKpi(tenantId, {
        direction: "lower_is_better",
        baseline: { value: 30, date: "2026-01-01" },
        target: { value: 20, date: "2026-06-30" },
      }),
    );
    expect(kpiProgress(lower, 25)).toBeCloseTo(0.5);
  });

  it("matches values to the KPI's level", () => {
    const kpi = parseKpi(aKpi(tenantId));
    const value = parseKpiValue({
      tenantId,
      kpiId: kpi.id,
      teamId: null,
      date: "2026-10-31",
      value: 29,
      source: "csv",
      recordedAt: now,
    });
    expect(checkValueMatchesLevel(kpi, value)).toBe("kpi win-rate is per team: teamId is required");
    expect(checkValueMatchesLevel(kpi, { ...value, teamId: "team-a" })).toBeUndefined();
    expect(issuesOf(() => parseKpiValue({ ...value, date: "31/10/2026", value: Number.NaN }))).toEqual([
      "date: must be a date as YYYY-MM-DD",
      "value: must be a finite number",
    ]);
  });
});

describe("team", () => {
  it("needs real time zones and locales, and no one twice", () => {
    expect(issuesOf(() => parseTeam(aTeam(tenantId)))).toEqual([]);
    const team = aTeam(tenantId);
    const manager = team.manager;
    const first = team.members[0];
    if (!first) throw new Error("fixture has members");
    expect(
      issuesOf(() =>
        parseTeam({
          ...team,
          members: [{ ...first, timeZone: "Mars/Olympus" }, { ...first, locale: "not a locale!" }, manager],
        }),
      ),
    ).toEqual([
      "members.0.timeZone: must be an IANA time zone such as Europe/London",
      "members.1.locale: must be a BCP 47 locale such as en-GB",
      "members.1.objectId: must not repeat a member",
      "members.2.objectId: must not be the team's manager",
    ]);
  });
});

describe("assets", () => {
  const base = { id: "a1", tenantId, programId: "p1", title: "T", behaviourIds: ["b1"], updatedAt: now };

  it("validates the content of each kind", () => {
    expect(issuesOf(() => parseAsset({ ...base, kind: "micro_challenge", content: { task: "Do it" } }))).toEqual([]);
    expect(issuesOf(() => parseAsset({ ...base, kind: "talk_track", content: { steps: [] } }))).toEqual([
      "content.steps: must have a step",
    ]);
    expect(issuesOf(() => parseAsset({ ...base, kind: "poster", content: {} }))).toEqual([
      "kind: must be one of micro_challenge, talk_track, conversation_guide, observation_checklist, nudge, skills_check",
    ]);
    expect(
      issuesOf(() =>
        parseAsset({
          ...base,
          behaviourIds: [],
          kind: "skills_check",
          content: { questions: [{ id: "q1", text: "?", options: ["a", "b"], correctIndex: 2 }] },
        }),
      ),
    ).toEqual([
      "behaviourIds: must name at least one behaviour",
      "content.questions.0.correctIndex: must point at one of the options",
    ]);
  });

  it("scores a skills check by question order; unanswered counts as wrong", () => {
    const check = parseAsset({
      ...base,
      kind: "skills_check",
      content: {
        questions: [
          { id: "q1", text: "1?", options: ["a", "b"], correctIndex: 1 },
          { id: "q2", text: "2?", options: ["a", "b"], correctIndex: 0 },
          { id: "q3", text: "3?", options: ["a", "b", "c"], correctIndex: 2 },
        ],
      },
    }) as AssetOf<"skills_check">;
    expect(scoreSkillsCheck(check, [1, 0, 2])).toEqual({ score: 3, maxScore: 3 });
    expect(scoreSkillsCheck(check, [1, 1])).toEqual({ score: 1, maxScore: 3 });
  });
});

describe("delivery", () => {
  const recipient = randomUUID();
  const slot = new Date("2026-11-24T09:00:00Z");
  const delivery = parseDelivery({
    id: deliveryIdFor("p1", "a1", recipient, slot),
    tenantId,
    programId: "p1",
    assetId: "a1",
    scheduleEntryId: "e1",
    teamId: "t1",
    recipientObjectId: recipient,
    recipientRole: "manager",
    slot: slot.toISOString(),
    updatedAt: now,
  });

  it("has a deterministic id that starts with the slot", () => {
    expect(deliveryIdFor("p1", "a1", recipient.toUpperCase(), slot)).toBe(delivery.id);
    expect(delivery.id.startsWith("20261124T090000Z-")).toBe(true);
    expect(deliveryIdFor("p1", "a1", recipient, new Date(slot.getTime() + 60_000))).not.toBe(delivery.id);
  });

  it("moves scheduled → sent → completed, recording when", () => {
    const sent = transitionDelivery(delivery, "sent", new Date("2026-11-24T09:00:05Z"), { activityId: "1:abc" });
    expect(sent).toMatchObject({ status: "sent", activityId: "1:abc", sentAt: "2026-11-24T09:00:05.000Z" });
    const done = transitionDelivery(sent, "completed", new Date("2026-11-24T12:00:00Z"));
    expect(done).toMatchObject({ status: "completed", completedAt: "2026-11-24T12:00:00.000Z" });
  });

  it("brings back a card that expired unsent, and nothing else", () => {
    const at = new Date("2026-11-24T10:00:00Z");
    const expired = transitionDelivery(delivery, "expired", at, { lastError: "removed the app on 24 Nov" });
    expect(reviveDelivery({ ...expired, claimId: "c1" }, at)).toMatchObject({
      status: "scheduled",
      lastError: null,
      claimId: null,
      sentAt: null,
    });
    const sentThenExpired = transitionDelivery(transitionDelivery(delivery, "sent", at), "expired", at);
    expect(() => reviveDelivery(sentThenExpired, at)).toThrow(InvalidTransitionError);
    for (const status of ["scheduled", "sent", "completed", "failed", "cancelled"] as const)
      expect(() => reviveDelivery({ ...delivery, status }, at)).toThrow(InvalidTransitionError);
  });

  const allowed = new Set([
    "scheduled>sent",
    "scheduled>failed",
    "scheduled>cancelled",
    "scheduled>expired",
    "sent>completed",
    "sent>expired",
    "failed>scheduled",
  ]);
  const pairs = deliveryStatuses.flatMap((from) => deliveryStatuses.map((to) => [from, to] as const));
  it.each(pairs.filter(([f, t]) => !allowed.has(`${f}>${t}`)))("refuses %s → %s", (from, to) => {
    expect(canTransitionDelivery(from, to)).toBe(false);
    expect(() => transitionDelivery({ ...delivery, status: from }, to, new Date())).toThrow(InvalidTransitionError);
  });
});

describe("observation", () => {
  const team = parseTeam(aTeam(tenantId));
  const program = aProgram(tenantId);
  const member = team.members[0];
  const observation = parseObservation({
    id: "o1",
    tenantId,
    programId: program.id,
    teamId: team.id,
    managerObjectId: team.manager.objectId,
    memberObjectId: member?.objectId,
    behaviourId: "open-questions",
    levelIndex: 2,
    observedAt: now,
  });

  it("fits when the manager observes their own member on a behaviour of the program", () => {
    expect(observationProblems(observation, program, team)).toEqual([]);
  });

  it("says what does not fit", () => {
    expect(
      observationProblems(
        { ...observation, managerObjectId: randomUUID(), memberObjectId: randomUUID(), levelIndex: 3 },
        program,
        team,
      ),
    ).toEqual([
      "managerObjectId: is not the team's manager",
      "memberObjectId: is not a member of the team",
      "levelIndex: must be below 3 (the rubric's levels)",
    ]);
    expect(observationProblems({ ...observation, behaviourId: "ghost" }, program, team)).toEqual([
      "behaviourId: ghost is not a behaviour of the program",
    ]);
  });
});

describe("records", () => {
  it("validate their fields", () => {
    const base = { tenantId, deliveryId: "d1", programId: "p1", assetId: "a1", learnerObjectId: randomUUID(), at: now };
    expect(issuesOf(() => parseNudgeResponse({ ...base, response: "", confidence: 6 }))).toEqual([
      "response: must not be empty",
      "confidence: must be 1 to 5",
    ]);
    expect(
      issuesOf(() => parseSkillsCheckResult({ ...base, phase: "mid", answers: [], score: 5, maxScore: 4 })),
    ).toEqual(["phase: must be pre or post"]);
    expect(
      issuesOf(() => parseSkillsCheckResult({ ...base, phase: "post", answers: [], score: 5, maxScore: 4 })),
    ).toEqual(["score: must not exceed maxScore"]);
  });
});

describe("conversation", () => {
  const conversation = parseConversation({
    tenantId,
    objectId: randomUUID(),
    conversationId: "a:1",
    serviceUrl: "https://smba.trafficmanager.net/emea/",
    updatedAt: now,
  });

  it("can be delivered to unless unreachable or paused", () => {
    const at = new Date("2026-11-23T10:00:00Z");
    expect(canDeliverTo(conversation, at)).toBe(true);
    expect(canDeliverTo({ ...conversation, reachable: false }, at)).toBe(false);
    expect(canDeliverTo({ ...conversation, pausedUntil: "2026-11-25T00:00:00.000Z" }, at)).toBe(false);
    expect(canDeliverTo({ ...conversation, pausedUntil: "2026-11-20T00:00:00.000Z" }, at)).toBe(true);
  });
});
