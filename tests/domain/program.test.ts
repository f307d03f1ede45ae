import { describe, expect, it } from "vitest";
import {
  activationProblems,
  canTransition,
  DomainRuleError,
  InvalidTransitionError,
  parseProgram,
  programStatuses,
  transitionProgram,
  type ValidationError,
} from "../../src/domain/index.js";
import { aChallenge, aProgram } from "../support/fixtures.js";

const tenantId = "0b6e1c52-4a0f-4b7e-9d8e-2f3a4b5c6d7e";
const at = new Date("2026-11-23T10:00:00Z");
const allowed = new Set(["draft>active", "active>paused", "active>completed", "paused>active", "paused>completed"]);

describe("program status transitions", () => {
  const pairs = programStatuses.flatMap((from) => programStatuses.map((to) => [from, to] as const));

  it.each(pairs.filter(([f, t]) => allowed.has(`${f}>${t}`)))("allows %s → %s", (from, to) => {
    const program = aProgram(tenantId, { status: from });
    expect(canTransition(from, to)).toBe(true);
    const next = transitionProgram(program, to, [aChallenge(tenantId)], at);
    expect(next.status).toBe(to);
    expect(next.updatedAt).toBe(at.toISOString());
    // The planner sends nothing from before the program (last) became active.
    expect(next.activeSince).toBe(to === "active" ? at.toISOString() : program.activeSince);
  });

  it.each(pairs.filter(([f, t]) => !allowed.has(`${f}>${t}`)))("refuses %s → %s", (from, to) => {
    const program = aProgram(tenantId, { status: from });
    expect(canTransition(from, to)).toBe(false);
    expect(() => transitionProgram(program, to, [aChallenge(tenantId)], at)).toThrow(InvalidTransitionError);
  });

  it("refuses to activate an incomplete program and says what is missing", () => {
    const program = aProgram(tenantId, {
      outcomeKpiId: null,
      teams: [{ teamId: "team-b", role: "comparison" }],
      chain: { skills: [], behaviours: [] },
      schedule: { ...aProgram(tenantId).schedule, entries: [] },
    });
    const error = (() => {
      try {
        transitionProgram(program, "active", [], at);
      } catch (e) {
        return e as DomainRuleError;
      }
    })();
    expect(error).toBeInstanceOf(DomainRuleError);
    expect(error?.rules).toEqual([
      "outcome KPI: must be set",
      "chain: must have at least one behaviour",
      "teams: must have at least one pilot team",
      "schedule: must have at least one entry",
    ]);
  });

  it("checks that scheduled assets exist, go to the right audience and target the program's behaviours", () => {
    const program = aProgram(tenantId);
    expect(activationProblems(program, [])).toEqual([
      "schedule: an entry sends an asset that no longer exists; remove it from the schedule",
    ]);
    const nudge = { ...aChallenge(tenantId), kind: "nudge", content: { prompt: "Try it", style: "practice" } } as const;
    expect(activationProblems(program, [nudge])).toContain(
      'schedule: "Count the open questions" is a nudge, which goes to learners, not managers',
    );
    expect(activationProblems(program, [aChallenge(tenantId, { behaviourIds: ["listening"] })])).toContain(
      `asset "Count the open questions": reinforces a behaviour that is not in the program's chain`,
    );
    expect(activationProblems(program, [aChallenge(tenantId)])).toEqual([]);
  });
});

describe("program validation", () => {
  function issues(input: unknown): string[] {
    try {
      parseProgram(input);
      return [];
    } catch (error) {
      return (error as ValidationError).issues.map((i) => `${i.field}: ${i.rule}`);
    }
  }

  it("accepts the fixture", () => {
    expect(issues(aProgram(tenantId))).toEqual([]);
  });

  it("names the field and the rule", () => {
    expect(issues({ ...aProgram(tenantId), name: " " })).toEqual(["name: must not be empty"]);
    expect(issues({ ...aProgram(tenantId), status: "archived" })).toEqual([
      "status: must be draft, active, paused or completed",
    ]);
    expect(issues({ ...aProgram(tenantId), tenantId: "contoso" })).toEqual(["tenantId: must be a GUID (an Entra id)"]);
    expect(issues({ ...aProgram(tenantId), id: "a/b" })).toEqual([
      "id: must use only letters, digits, '-', '_' and '.'",
    ]);
  });

  it("keeps the impact chain connected: behaviours name existing skills and the program's metrics", () => {
    const program = aProgram(tenantId);
    const behaviour = program.chain.behaviours[0];
    if (!behaviour) throw new Error("fixture has a behaviour");
    const broken = {
      ...program,
      chain: { ...program.chain, behaviours: [{ ...behaviour, skillIds: ["ghost"], kpiIds: ["nps"] }] },
    };
    expect(issues(broken)).toEqual([
      "chain.behaviours.0.skillIds.0: must name a skill of this program (no skill ghost)",
      "chain.behaviours.0.kpiIds.0: must be the program's outcome KPI or one of its leading metrics (not nps)",
    ]);
  });

  it("refuses a rubric of one level, a repeated team and a leading metric that is the outcome", () => {
    const program = aProgram(tenantId);
    const behaviour = program.chain.behaviours[0];
    if (!behaviour) throw new Error("fixture has a behaviour");
    expect(
      issues({
        ...program,
        leadingKpiIds: ["win-rate"],
        teams: [...program.teams, { teamId: "team-a", role: "comparison" }],
        chain: { ...program.chain, behaviours: [{ ...behaviour, rubric: { levels: ["Only"] } }] },
      }),
    ).toEqual([
      "chain.behaviours.0.rubric.levels: must have at least 2 levels",
      "leadingKpiIds: must not include the outcome KPI",
      "teams.2.teamId: must not list a team twice",
    ]);
  });

  it("refuses a schedule with a bad local time, weekday or repeated entry", () => {
    const program = aProgram(tenantId);
    const entry = program.schedule.entries[0];
    if (!entry) throw new Error("fixture has an entry");
    expect(
      issues({
        ...program,
        schedule: {
          ...program.schedule,
          entries: [
            { ...entry, localTime: "25:00" },
            { ...entry, cadence: { kind: "weekly", weekdays: [0], everyWeeks: 1, fromWeek: 1 } },
          ],
        },
      }),
    ).toEqual([
      "schedule.entries.0.localTime: must be a 24-hour local time as HH:MM",
      "schedule.entries.1.cadence.weekdays.0: must be 1 (Monday) to 7 (Sunday)",
      "schedule.entries.1.id: must be unique",
    ]);
  });
});
