import { type Behaviour, isTopLevel, type Observation, type Program, type Team } from "../domain/index.js";
import type { Storage } from "../storage/index.js";
import { DAY_MS, lastWeeks, readUpTo, weekStart } from "./reads.js";

/** How many weeks of observations the views chart; the read is bounded to this window. */
export const ADOPTION_WEEKS = 12;
export const COVERAGE_DAYS = 30;
const MAX_OBSERVATIONS = 5_000;

export interface AdoptionPoint {
  week: string;
  /**
   * Share of the observations in the four weeks up to this one at the rubric's top level: observations
   * come fortnightly, so a single week's share would zig-zag. Null while nobody has been observed.
   */
  adoption: number | null;
  /** Observations made in this week itself. */
  observations: number;
}

const ROLLING_WEEKS = 4;

export interface BehaviourAdoption {
  behaviourId: string;
  name: string;
  levels: string[];
  /** Over the last four weeks. */
  currentAdoption: number | null;
  weeks: AdoptionPoint[];
}

export interface Coverage {
  members: number;
  observed: number;
  notObserved: { objectId: string; displayName: string; lastObservedAt: string | null }[];
}

export interface TeamFigures {
  behaviours: BehaviourAdoption[];
  coverage: Coverage;
  observationCount: number;
  truncated: boolean;
}

/** A team's recent observations for one program: one bounded range read of the team's partition. */
export async function recentObservations(
  storage: Pick<Storage, "observations">,
  tenantId: string,
  teamId: string,
  programId: string,
  now: Date,
): Promise<{ items: Observation[]; truncated: boolean }> {
  const since = new Date(`${lastWeeks(now, ADOPTION_WEEKS + ROLLING_WEEKS - 1)[0]}T00:00:00Z`);
  const read = await readUpTo(
    (continuationToken) => storage.observations.since(tenantId, teamId, since, { continuationToken, pageSize: 1000 }),
    MAX_OBSERVATIONS,
  );
  return { items: read.items.filter((o) => o.programId === programId), truncated: read.truncated };
}

export function adoptionOf(behaviour: Behaviour, observations: readonly Observation[], now: Date): BehaviourAdoption {
  const mine = observations.filter((o) => o.behaviourId === behaviour.id);
  const starts = lastWeeks(now, ADOPTION_WEEKS + ROLLING_WEEKS - 1);
  const byWeek = starts.map((week) => mine.filter((o) => weekStart(new Date(o.observedAt)) === week));
  const weeks = starts.slice(ROLLING_WEEKS - 1).map((week, i) => ({
    week,
    adoption: share(byWeek.slice(i, i + ROLLING_WEEKS).flat(), behaviour),
    observations: byWeek[i + ROLLING_WEEKS - 1]?.length ?? 0,
  }));
  const recentFrom = now.getTime() - 28 * DAY_MS;
  return {
    behaviourId: behaviour.id,
    name: behaviour.name,
    levels: behaviour.rubric.levels,
    currentAdoption: share(
      mine.filter((o) => Date.parse(o.observedAt) >= recentFrom),
      behaviour,
    ),
    weeks,
  };
}

function share(observations: readonly Observation[], behaviour: Behaviour): number | null {
  if (observations.length === 0) return null;
  const top = observations.filter((o) => isTopLevel(behaviour.rubric, o.levelIndex)).length;
  return top / observations.length;
}

export function coverageOf(team: Team, observations: readonly Observation[], now: Date): Coverage {
  const from = now.getTime() - COVERAGE_DAYS * DAY_MS;
  const last = new Map<string, string>();
  for (const o of observations) {
    const seen = last.get(o.memberObjectId);
    if (!seen || seen < o.observedAt) last.set(o.memberObjectId, o.observedAt);
  }
  const notObserved = team.members
    .filter((m) => {
      const at = last.get(m.objectId);
      return !at || Date.parse(at) < from;
    })
    .map((m) => ({ objectId: m.objectId, displayName: m.displayName, lastObservedAt: last.get(m.objectId) ?? null }));
  return { members: team.members.length, observed: team.members.length - notObserved.length, notObserved };
}

export async function teamFigures(
  storage: Pick<Storage, "observations">,
  program: Program,
  team: Team,
  now: Date,
): Promise<TeamFigures> {
  const read = await recentObservations(storage, program.tenantId, team.id, program.id, now);
  return {
    behaviours: program.chain.behaviours.map((b) => adoptionOf(b, read.items, now)),
    coverage: coverageOf(team, read.items, now),
    observationCount: read.items.length,
    truncated: read.truncated,
  };
}
