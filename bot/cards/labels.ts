import { type AssetKind, dateTimeFormat } from "../../src/domain/index.js";

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
  return dateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone }).format(new Date(at));
}

/** "Tue 24 Nov" in the person's own time zone. */
export function weekdayDayMonth(at: Date | string, timeZone: string): string {
  return dateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone }).format(new Date(at));
}
