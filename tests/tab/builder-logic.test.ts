import { describe, expect, it } from "vitest";
import { type Asset, parseAsset, parseProgram, scoreSkillsCheck } from "../../src/domain/index.js";
import { ApiError } from "../../tab/src/api/index.js";
import {
  type AssetDraft,
  assetKinds,
  bodyOfAsset,
  emptyContent,
  newAssetDraft,
  newQuestion,
  withKind,
  withoutOption,
} from "../../tab/src/builder/asset-draft.js";
import { parseSpacing } from "../../tab/src/builder/delivery-rules-editor.js";
import { bodyOf, draftOf, emptyDraft, idFor, isDirty, withLeading, withOutcome } from "../../tab/src/builder/draft.js";
import { describeEntry, entryFrom, newEntryForm } from "../../tab/src/builder/schedule-lines.js";
import { describeField, issuesByField, ruleAt } from "../../tab/src/issues.js";
import { aChallenge, aProgram } from "../support/fixtures.js";

const tenantId = "0f6b5c7e-1d2a-4b3c-8d4e-5f6a7b8c9d0e";
const owner = "11111111-2222-4333-8444-555555555555";

describe("the program draft", () => {
  it("starts with the domain's defaults and its author as owner, and is a program the domain accepts", () => {
    const draft = emptyDraft(owner);
    expect(draft.schedule).toEqual({
      entries: [],
      quietHours: { start: "20:00", end: "08:00" },
      maxPerPersonPerDay: 3,
      spacingDays: [2, 5, 12, 26],
    });
    expect(draft.reviewCadence).toBe("monthly");
    expect(draft.owners).toEqual([owner]);
    const at = "2026-11-23T09:00:00.000Z";
    expect(() =>
      parseProgram({ ...bodyOf({ ...draft, name: "Pilot" }), id: "p", tenantId, createdAt: at, updatedAt: at }),
    ).not.toThrow();
  });

  it("sends only the fields the API stores, never id, tenant, status or times", () => {
    const body = bodyOf(draftOf(aProgram(tenantId)));
    expect(Object.keys(body).sort()).toEqual(
      [
        "chain",
        "discover",
        "leadingKpiIds",
        "name",
        "outcomeKpiId",
        "owners",
        "reviewCadence",
        "schedule",
        "teams",
        "window",
      ].sort(),
    );
  });

  it("knows unsaved changes, but not a blank line being typed into the barriers", () => {
    const saved = draftOf(aProgram(tenantId));
    expect(isDirty(saved, saved)).toBe(false);
    expect(isDirty({ ...saved, name: "Renamed" }, saved)).toBe(true);
    expect(isDirty({ ...saved, discover: { ...saved.discover, barriers: [""] } }, saved)).toBe(false);
    const quieter = { ...saved, schedule: { ...saved.schedule, maxPerPersonPerDay: 2 } };
    expect(isDirty(quieter, saved)).toBe(true);
  });

  it("re-points behaviours to a new outcome KPI and drops a removed leading metric from them", () => {
    const draft = { ...draftOf(aProgram(tenantId)), leadingKpiIds: ["need"] };
    draft.chain.behaviours[0] = {
      ...(draft.chain.behaviours[0] as (typeof draft.chain.behaviours)[0]),
      kpiIds: ["win-rate", "need"],
    };
    const moved = { ...draft, ...withOutcome(draft, "nps") };
    expect(moved.chain.behaviours[0]?.kpiIds).toEqual(["nps", "need"]);
    const dropped = { ...moved, ...withLeading(moved, "need", false) };
    expect(dropped.leadingKpiIds).toEqual([]);
    expect(dropped.chain.behaviours[0]?.kpiIds).toEqual(["nps"]);
  });

  it("makes readable ids that do not collide", () => {
    expect(idFor("Active listening", [])).toBe("active-listening");
    expect(idFor("Active listening!", ["active-listening"])).toBe("active-listening-2");
    expect(idFor("Active listening", ["active-listening", "active-listening-2"])).toBe("active-listening-3");
    expect(idFor("???", [])).toBe("item");
  });
});

describe("asset content built from the domain's asset types", () => {
  const filled: { [K in AssetDraft["kind"]]: AssetDraft & { kind: K } } = {
    micro_challenge: {
      kind: "micro_challenge",
      title: "T",
      behaviourIds: ["b"],
      content: { task: "Do it", reflectionPrompt: "" },
    },
    talk_track: {
      kind: "talk_track",
      title: "T",
      behaviourIds: ["b"],
      content: { intro: "", steps: ["One", " ", "Two"] },
    },
    conversation_guide: {
      kind: "conversation_guide",
      title: "T",
      behaviourIds: ["b"],
      content: { opening: "Hi", questions: ["Why?", ""], closing: "" },
    },
    observation_checklist: {
      kind: "observation_checklist",
      title: "T",
      behaviourIds: ["b", "c"],
      content: { instructions: "" },
    },
    nudge: { kind: "nudge", title: "T", behaviourIds: ["b"], content: { prompt: "Try", style: "reflection" } },
    skills_check: {
      kind: "skills_check",
      title: "T",
      behaviourIds: ["b"],
      content: {
        questions: [
          { id: "q1", text: "A?", options: ["x ", "y"], correctIndex: 1 },
          { id: "q2", text: "B?", options: ["x", "y", "z"], correctIndex: 0 },
          { id: "q3", text: "C?", options: ["x", "y"], correctIndex: 1 },
        ],
      },
    },
  };

  it.each(assetKinds)("a filled %s is an asset the domain parses, with blank list lines left out", (kind) => {
    const asset = parseAsset({
      ...bodyOfAsset(filled[kind]),
      id: "a",
      tenantId,
      programId: "p",
      updatedAt: "2026-11-23T09:00:00.000Z",
    });
    expect(asset.kind).toBe(kind);
    if (asset.kind === "talk_track") expect(asset.content.steps).toEqual(["One", "Two"]);
    if (asset.kind === "conversation_guide") expect(asset.content.questions).toEqual(["Why?"]);
    if (asset.kind === "observation_checklist") expect(asset.behaviourIds).toEqual(["b", "c"]);
    if (asset.kind === "skills_check") {
      expect(asset.content.questions[0]?.options).toEqual(["x", "y"]);
      expect(scoreSkillsCheck(asset, [1, 0, 0])).toEqual({ score: 2, maxScore: 3 });
    }
  });

  it("starts each kind blank in its own shape, and a change of kind keeps the title and behaviours", () => {
    expect(emptyContent("talk_track")).toEqual({ intro: "", steps: [""] });
    expect(emptyContent("skills_check").questions).toHaveLength(1);
    const draft = { ...newAssetDraft("micro_challenge", ["b"]), title: "Kept" };
    expect(withKind(draft, "nudge")).toEqual({
      kind: "nudge",
      title: "Kept",
      behaviourIds: ["b"],
      content: { prompt: "", style: "practice" },
    });
  });

  it("gives a new question an unused id, and keeps the right answer on its option when another goes", () => {
    const questions = [newQuestion([])];
    expect(questions[0]?.id).toBe("q1");
    expect(newQuestion([{ id: "q2", text: "", options: [], correctIndex: 0 }, ...questions]).id).toBe("q3");
    const q = { id: "q1", text: "?", options: ["a", "b", "c"], correctIndex: 2 };
    expect(withoutOption(q, 0)).toEqual({ ...q, options: ["b", "c"], correctIndex: 1 });
    expect(withoutOption(q, 2)).toEqual({ ...q, options: ["a", "b"], correctIndex: 0 });
  });
});

describe("schedule lines by name", () => {
  it("say each entry by its asset's title, never its id, and say so when the asset is gone", () => {
    const program = aProgram(tenantId);
    const entry = program.schedule.entries[0];
    if (!entry) throw new Error("fixture");
    expect(describeEntry(entry, "Count the open questions")).toBe(
      "Count the open questions to managers: every Tuesday at 09:00",
    );
    expect(describeEntry(entry, undefined)).toBe("A deleted asset to managers: every Tuesday at 09:00");
    const checklist = { ...entry, cadence: { kind: "weekly" as const, weekdays: [5], everyWeeks: 2, fromWeek: 1 } };
    expect(describeEntry(checklist, "Discovery checklist")).toBe(
      "Discovery checklist to managers: every 2 weeks on Friday at 09:00",
    );
  });

  it("build an entry whose audience follows the asset's kind: twice a week for a nudge, once for a skills check", () => {
    const nudge = { ...aChallenge(tenantId), id: "nudge-1", title: "Try an open question", kind: "nudge" } as const;
    const entry = entryFrom(
      { ...newEntryForm(), weekdays: [4, 2], localTime: "10:00" },
      { ...nudge, content: { prompt: "p", style: "practice" } },
      [],
    );
    expect(entry).toMatchObject({
      id: "try-an-open-question",
      audience: "learners",
      cadence: { kind: "weekly", weekdays: [2, 4], everyWeeks: 1, fromWeek: 1 },
    });
    expect(describeEntry(entry, "Try an open question")).toBe(
      "Try an open question to learners: every Tuesday and Thursday at 10:00",
    );
    const check: Asset = {
      ...aChallenge(tenantId),
      id: "check",
      title: "Skills check",
      kind: "skills_check",
      content: { questions: [{ id: "q1", text: "?", options: ["a", "b"], correctIndex: 0 }] },
    };
    const post = entryFrom({ ...newEntryForm(), phase: "post", weekdays: [1] }, check, ["skills-check"]);
    expect(post).toMatchObject({
      id: "skills-check-2",
      phase: "post",
      cadence: { kind: "once", week: "last", weekday: 1 },
    });
    expect(describeEntry(post, "Skills check")).toBe(
      "Skills check to learners: once, in the last week, on Monday at 09:00 (after the program)",
    );
  });

  it("read spacing as typed, leaving what is not a number for the server to name", () => {
    expect(parseSpacing("2, 5, 12 26")).toEqual([2, 5, 12, 26]);
    expect(parseSpacing("2, x")).toEqual([2, Number.NaN]);
  });
});

describe("the server's issues, as a person reads them", () => {
  it("names the field in words, lists by item, and leaves out the asset's content wrapper", () => {
    expect(describeField("schedule.entries.2.localTime")).toBe("schedule › entry 3 › local time");
    expect(describeField("content.questions.1.options.0")).toBe("question 2 › answer 1");
    expect(describeField("chain.behaviours.0.kpiIds.1")).toBe("chain › behaviour 1 › metric 2");
    expect(describeField("schedule.maxPerPersonPerDay")).toBe("schedule › most cards per person per day");
    expect(describeField("things.3")).toBe("things › item 4");
  });

  it("gives each form field the rules broken at it or below it", () => {
    const error = new ApiError(400, {
      error: "invalid",
      issues: [
        { field: "content.questions.0.text", rule: "must not be empty" },
        { field: "content.questions.0.options.1", rule: "must not be empty" },
        { field: "title", rule: "must not be empty" },
      ],
    });
    const issues = issuesByField(error);
    expect(ruleAt(issues, "title")).toBe("must not be empty");
    expect(ruleAt(issues, "content.questions.0")).toBe("must not be empty");
    expect(ruleAt(issues, "content.questions.1")).toBeUndefined();
    expect(issuesByField(new Error("network")).size).toBe(0);
  });
});
