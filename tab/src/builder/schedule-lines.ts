import type { Asset } from "../../../src/domain/asset.js";
import { audienceOf } from "../../../src/domain/program-defaults.js";
import type { ScheduleEntry } from "../../../src/domain/schedule.js";
import { idFor } from "./draft.js";

export const weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** "Tuesday", "Monday and Thursday", "Monday, Wednesday and Friday". */
export function dayList(weekdays: readonly number[]): string {
  const names = [...weekdays].sort((a, b) => a - b).map((d) => weekdayNames[d - 1] ?? `day ${d}`);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * A schedule entry as a sentence, by the asset's title: "Count the open questions to managers: every Tuesday
 * at 09:00". An entry whose asset is gone says so instead of showing its id.
 */
export function describeEntry(entry: ScheduleEntry, assetTitle: string | undefined): string {
  const what = assetTitle ?? "A deleted asset";
  const cadence = entry.cadence;
  const when =
    cadence.kind === "weekly"
      ? `${cadence.everyWeeks === 1 ? "every" : `every ${cadence.everyWeeks} weeks on`} ${dayList(cadence.weekdays)}${cadence.fromWeek > 1 ? `, from week ${cadence.fromWeek}` : ""}`
      : `once, ${cadence.week === "last" ? "in the last week" : `in week ${cadence.week}`}, on ${weekdayNames[cadence.weekday - 1]}`;
  const phase = entry.phase ? (entry.phase === "pre" ? " (before the program)" : " (after the program)") : "";
  return `${what} to ${entry.audience}: ${when} at ${entry.localTime}${phase}`;
}

export interface EntryForm {
  assetId: string;
  weekdays: number[];
  everyWeeks: number;
  fromWeek: number;
  localTime: string;
  /** For a skills check: taken once before the program (its first week) or after it (its last week). */
  phase: "pre" | "post";
}

export const newEntryForm = (): EntryForm => ({
  assetId: "",
  weekdays: [2],
  everyWeeks: 1,
  fromWeek: 1,
  localTime: "09:00",
  phase: "pre",
});

/** The schedule entry an admin's choices describe; its audience follows from the asset's kind. */
export function entryFrom(form: EntryForm, asset: Asset, taken: Iterable<string>): ScheduleEntry {
  const base = { id: idFor(asset.title, taken), assetId: asset.id, audience: audienceOf(asset.kind) };
  if (asset.kind === "skills_check")
    return {
      ...base,
      cadence: { kind: "once", week: form.phase === "pre" ? 1 : "last", weekday: form.weekdays[0] ?? 1 },
      localTime: form.localTime,
      phase: form.phase,
    };
  return {
    ...base,
    cadence: {
      kind: "weekly",
      weekdays: [...form.weekdays].sort((a, b) => a - b),
      everyWeeks: form.everyWeeks,
      fromWeek: form.fromWeek,
    },
    localTime: form.localTime,
  };
}
