import type { AssetKind } from "../../src/domain/index.js";

export const kindLabels: Record<AssetKind, string> = {
  micro_challenge: "Micro-challenge",
  talk_track: "Talk track",
  conversation_guide: "Conversation guide",
  observation_checklist: "Observation checklist",
  nudge: "Practice nudge",
  skills_check: "Skills check",
};

/** "12 Nov" in the person's own time zone. */
export function dayMonth(at: Date | string, timeZone: string): string {
  return formatter("dayMonth", timeZone, { day: "numeric", month: "short" }).format(new Date(at));
}

/** "Tue 24 Nov" in the person's own time zone. */
export function weekdayDayMonth(at: Date | string, timeZone: string): string {
  return formatter("weekdayDayMonth", timeZone, { weekday: "short", day: "numeric", month: "short" }).format(
    new Date(at),
  );
}

// Building an Intl.DateTimeFormat costs far more than formatting with one, and every card sent needs one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(name: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${name}|${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat("en-GB", { ...options, timeZone });
    formatters.set(key, found);
  }
  return found;
}
