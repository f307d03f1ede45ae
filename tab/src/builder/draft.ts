import type { Program } from "../../../src/domain/program.js";
import { programDefaults } from "../../../src/domain/program-defaults.js";
import type { ProgramBody } from "../api/index.js";

/** The program being edited: what the API stores, plus its id and status once saved. */
export type Draft = ProgramBody & { id?: string; status: Program["status"] };

/** A new program with the domain's defaults (quiet hours, daily cap, spacing, monthly review), owned by its author. */
export function emptyDraft(ownerObjectId: string | null): Draft {
  return {
    ...programDefaults(),
    name: "",
    status: "draft",
    outcomeKpiId: null,
    leadingKpiIds: [],
    window: null,
    teams: [],
    owners: ownerObjectId ? [ownerObjectId] : [],
    chain: { skills: [], behaviours: [] },
  };
}

export function draftOf(program: Program): Draft {
  return { ...bodyOf(program), id: program.id, status: program.status };
}

/** Only the fields the API stores: the server refuses anything else, and sets id, status and times itself. */
export function bodyOf(draft: ProgramBody): ProgramBody {
  return {
    name: draft.name,
    discover: draft.discover,
    outcomeKpiId: draft.outcomeKpiId,
    leadingKpiIds: draft.leadingKpiIds,
    window: draft.window,
    reviewCadence: draft.reviewCadence,
    teams: draft.teams,
    owners: draft.owners,
    chain: draft.chain,
    schedule: draft.schedule,
  };
}

/** Whether the draft differs from what was last saved (or loaded); a blank trailing barrier line is not a change. */
export function isDirty(draft: ProgramBody, saved: ProgramBody): boolean {
  const comparable = (d: ProgramBody) =>
    JSON.stringify(
      bodyOf({ ...d, discover: { ...d.discover, barriers: d.discover.barriers.filter((b) => b.trim() !== "") } }),
    );
  return comparable(draft) !== comparable(saved);
}

/** Changing the outcome KPI re-points every behaviour that moved the old one. */
export function withOutcome(draft: Draft, outcomeKpiId: string | null): Partial<Draft> {
  const previous = draft.outcomeKpiId;
  return {
    outcomeKpiId,
    leadingKpiIds: draft.leadingKpiIds.filter((id) => id !== outcomeKpiId),
    chain: {
      ...draft.chain,
      behaviours: draft.chain.behaviours.map((b) => {
        const kept = b.kpiIds.filter((id) => id !== previous && id !== outcomeKpiId);
        return { ...b, kpiIds: outcomeKpiId ? [outcomeKpiId, ...kept] : kept };
      }),
    },
  };
}

/** A dropped leading metric is dropped from the behaviours too, so the chain only names the program's metrics. */
export function withLeading(draft: Draft, kpiId: string, on: boolean): Partial<Draft> {
  if (on) return { leadingKpiIds: [...draft.leadingKpiIds, kpiId] };
  return {
    leadingKpiIds: draft.leadingKpiIds.filter((id) => id !== kpiId),
    chain: {
      ...draft.chain,
      behaviours: draft.chain.behaviours.map((b) => {
        const kpiIds = b.kpiIds.filter((id) => id !== kpiId);
        return { ...b, kpiIds: kpiIds.length > 0 || !draft.outcomeKpiId ? kpiIds : [draft.outcomeKpiId] };
      }),
    },
  };
}

/** A readable id from a name, unique among `taken`: "Active listening" → "active-listening" (or "-2", "-3"…). */
export function idFor(name: string, taken: Iterable<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "item";
  const used = new Set(taken);
  if (!used.has(base)) return base;
  let n = 2;
  while (used.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}
