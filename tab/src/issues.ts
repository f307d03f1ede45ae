import type { FieldIssue } from "../../src/domain/validation.js";
import { ApiError } from "./api/index.js";

/** Words for field names where splitting the camel case would not read well. */
const fieldWords: Record<string, string> = {
  name: "name",
  discover: "Discover",
  problemToday: "the problem today",
  desiredState: "the desired state",
  strategicObjective: "strategic objective",
  outcomeKpiId: "outcome KPI",
  leadingKpiIds: "leading metrics",
  kpiIds: "metrics",
  skillIds: "skills",
  behaviourIds: "behaviours",
  teamId: "team",
  assetId: "asset",
  localTime: "local time",
  maxPerPersonPerDay: "most cards per person per day",
  spacingDays: "spacing",
  quietHours: "quiet hours",
  reviewCadence: "review cadence",
  correctIndex: "correct answer",
  everyWeeks: "every N weeks",
  fromWeek: "first week",
  reflectionPrompt: "reflection prompt",
  text: "wording",
};

/** Wrappers that mean nothing to the person: an asset's "content" is just the asset. */
const silent = new Set(["content"]);

/** What one item of a list is called, by the list's field name. */
const itemWords: Record<string, string> = {
  entries: "entry",
  behaviours: "behaviour",
  skills: "skill",
  teams: "team",
  questions: "question",
  options: "answer",
  steps: "step",
  kpiIds: "metric",
  leadingKpiIds: "leading metric",
  skillIds: "skill",
  behaviourIds: "behaviour",
  owners: "owner",
  barriers: "barrier",
  weekdays: "weekday",
  levels: "level",
  values: "value",
};

const words = (name: string) => fieldWords[name] ?? name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();

/** A field path as a person reads it: "schedule.entries.2.localTime" → "schedule › entry 3 › local time". */
export function describeField(field: string): string {
  const parts = field.split(".");
  const out: string[] = [];
  parts.forEach((part, i) => {
    if (/^\d+$/.test(part)) {
      const list = parts[i - 1] ?? "";
      const item = itemWords[list] ?? "item";
      out[out.length - 1] = `${item} ${Number(part) + 1}`;
      if (!itemWords[list]) out.splice(out.length - 1, 0, words(list));
    } else if (!silent.has(part)) out.push(words(part));
  });
  return out.join(" › ");
}

export function describeIssue(issue: FieldIssue): string {
  return `${describeField(issue.field)}: ${issue.rule}`;
}

/** The rule broken at each field (and under it), for the form to show beside the field. */
export function issuesByField(error: Error | null | undefined): Map<string, string> {
  const issues = error instanceof ApiError ? (error.body.issues ?? []) : [];
  return new Map(issues.map((i) => [i.field, i.rule]));
}

/** The rules broken at `field` or anywhere under it, joined, for a Field's validation message. */
export function ruleAt(issues: Map<string, string>, field: string): string | undefined {
  const rules = [...issues].filter(([f]) => f === field || f.startsWith(`${field}.`)).map(([, rule]) => rule);
  return rules.length > 0 ? [...new Set(rules)].join("; ") : undefined;
}
