import type { AssetKind } from "./asset.js";

/**
 * What a new program starts with unless the admin changes it: the schemas default to these and the builder
 * offers them. Plain values in a module of their own, so the tab can read them without the schemas.
 */
export function programDefaults() {
  return {
    discover: { problemToday: "", desiredState: "", barriers: [] as string[], strategicObjective: "" },
    reviewCadence: "monthly" as const,
    schedule: {
      entries: [],
      /** Local hours when nothing is sent; may wrap midnight. */
      quietHours: { start: "20:00", end: "08:00" },
      /** Across every program, so a person is never flooded. */
      maxPerPersonPerDay: 3,
      /** Days after which a behaviour comes back, growing (spaced repetition). */
      spacingDays: [2, 5, 12, 26],
    },
  };
}

/** Managers reinforce; learners practise. */
export function audienceOf(kind: AssetKind): "managers" | "learners" {
  return kind === "nudge" || kind === "skills_check" ? "learners" : "managers";
}
