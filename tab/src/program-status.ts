import type { Program } from "../../src/domain/program.js";

/** Badge colours that mean what they say: only a running program is green; paused warns, completed recedes. */
export const statusColor = { draft: "informative", active: "success", paused: "warning", completed: "subtle" } as const;

export const statusLabel = { draft: "Draft", active: "Active", paused: "Paused", completed: "Completed" } as const;

/** The moves the domain allows from each status (see transitionProgram). */
export function nextStatuses(status: Program["status"]): ("active" | "paused" | "completed")[] {
  return (
    { draft: ["active"], active: ["paused", "completed"], paused: ["active", "completed"], completed: [] } as const
  )[status].slice();
}

export const actionLabel = { active: "Activate", paused: "Pause", completed: "Complete" } as const;
