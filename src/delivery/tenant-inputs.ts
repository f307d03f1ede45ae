import { mapWithConcurrency } from "../concurrency.js";
import type { Conversation, Team } from "../domain/index.js";
import type { PlanChange, Storage } from "../storage/index.js";
import type { PlannedProgram } from "./planner.js";

/** Everything one tenant's plan is made from, as one instance holds it between ticks. */
export interface TenantInputs {
  /** Active programs with their assets. */
  programs: Map<string, PlannedProgram>;
  /** The pilot teams of those programs. */
  teams: Map<string, Team>;
  /** How to reach the people of those teams (lower-case object id); people who never installed have none. */
  conversations: Map<string, Conversation>;
}

type InputStorage = Pick<Storage, "programs" | "assets" | "teams" | "conversations">;

/** Beyond this many people to look up, one pass over the tenant's conversations is cheaper than point reads. */
const POINT_READS_AT_MOST = 200;

/** Reads a tenant's inputs in full: programs, their pilot teams, and the conversations of those teams' people. */
export async function loadInputs(storage: InputStorage, tenantId: string): Promise<TenantInputs> {
  const programs = new Map<string, PlannedProgram>();
  for await (const { value: program } of storage.programs.each(tenantId, "active"))
    programs.set(program.id, { program, assets: await storage.assets.all(tenantId, program.id) });
  const inputs: TenantInputs = { programs, teams: new Map(), conversations: new Map() };
  await loadTeams(storage, tenantId, inputs, pilotTeamIds(inputs));
  await loadConversations(storage, tenantId, inputs, peopleOf(inputs));
  return inputs;
}

/**
 * Applies marked changes to a copy of `inputs`, reading only what they name (and the teams and people
 * they bring in). Returns the new inputs and the people whose plan may differ: every recipient of a changed
 * program, every member of a changed team before and after, every changed person who is a recipient.
 */
export async function applyChanges(
  storage: InputStorage,
  tenantId: string,
  inputs: TenantInputs,
  changes: readonly PlanChange[],
): Promise<{ inputs: TenantInputs; affected: Set<string> }> {
  const next: TenantInputs = {
    programs: new Map(inputs.programs),
    teams: new Map(inputs.teams),
    conversations: new Map(inputs.conversations),
  };
  const affected = new Set<string>();
  const changedPrograms = changes.filter((c) => c.kind === "program").map((c) => c.id);
  const changedTeams = new Set(changes.filter((c) => c.kind === "team").map((c) => c.id));

  for (const id of changedPrograms) {
    const before = next.programs.get(id);
    if (before) for (const p of recipientsOf(before, inputs.teams)) affected.add(p);
    const row = await storage.programs.get(tenantId, id);
    if (row?.value.status === "active")
      next.programs.set(id, { program: row.value, assets: await storage.assets.all(tenantId, id) });
    else next.programs.delete(id);
  }

  const wanted = pilotTeamIds(next);
  for (const id of [...next.teams.keys()]) if (!wanted.has(id)) next.teams.delete(id);
  const toRead = [...wanted].filter((id) => changedTeams.has(id) || !next.teams.has(id));
  for (const id of toRead) {
    const before = inputs.teams.get(id);
    if (before) for (const p of membersOf(before)) affected.add(p);
  }
  await loadTeams(storage, tenantId, next, new Set(toRead));
  for (const id of toRead) {
    const team = next.teams.get(id);
    if (team) for (const p of membersOf(team)) affected.add(p);
  }
  for (const id of changedPrograms) {
    const after = next.programs.get(id);
    if (after) for (const p of recipientsOf(after, next.teams)) affected.add(p);
  }

  const people = peopleOf(next);
  for (const id of [...next.conversations.keys()]) if (!people.has(id)) next.conversations.delete(id);
  const changedPeople = changes.filter((c) => c.kind === "conversation" && people.has(c.id)).map((c) => c.id);
  const unknown = [...people].filter((p) => !inputs.conversations.has(p) && affected.has(p));
  await loadConversations(storage, tenantId, next, new Set([...changedPeople, ...unknown]));
  for (const p of changedPeople) affected.add(p);
  return { inputs: next, affected };
}

/** The people (lower-case object ids) a change names, in inputs read after it: whom to plan again. */
export function peopleNamedBy(changes: readonly PlanChange[], inputs: TenantInputs): Set<string> {
  const people = new Set<string>();
  for (const change of changes) {
    if (change.kind === "conversation") people.add(change.id);
    const team = change.kind === "team" ? inputs.teams.get(change.id) : undefined;
    if (team) for (const p of membersOf(team)) people.add(p);
    const program = change.kind === "program" ? inputs.programs.get(change.id) : undefined;
    if (program) for (const p of recipientsOf(program, inputs.teams)) people.add(p);
  }
  return people;
}

export function peopleOf(inputs: TenantInputs): Set<string> {
  const people = new Set<string>();
  for (const team of inputs.teams.values()) for (const p of membersOf(team)) people.add(p);
  return people;
}

function pilotTeamIds(inputs: TenantInputs): Set<string> {
  const ids = new Set<string>();
  for (const { program } of inputs.programs.values())
    for (const t of program.teams) if (t.role === "pilot") ids.add(t.teamId);
  return ids;
}

function membersOf(team: Team): string[] {
  return [team.manager, ...team.members].map((p) => p.objectId.toLowerCase());
}

function recipientsOf({ program }: PlannedProgram, teams: ReadonlyMap<string, Team>): string[] {
  return program.teams.flatMap((t) => {
    const team = t.role === "pilot" ? teams.get(t.teamId) : undefined;
    return team ? membersOf(team) : [];
  });
}

async function loadTeams(storage: InputStorage, tenantId: string, inputs: TenantInputs, ids: Set<string>) {
  await mapWithConcurrency([...ids], 16, async (id) => {
    const row = await storage.teams.get(tenantId, id);
    if (row) inputs.teams.set(id, row.value);
    else inputs.teams.delete(id);
  });
}

async function loadConversations(storage: InputStorage, tenantId: string, inputs: TenantInputs, people: Set<string>) {
  if (people.size === 0) return;
  if (people.size <= POINT_READS_AT_MOST) {
    await mapWithConcurrency([...people], 16, async (id) => {
      const row = await storage.conversations.get(tenantId, id);
      if (row) inputs.conversations.set(id, row.value);
      else inputs.conversations.delete(id);
    });
    return;
  }
  for await (const conversation of storage.conversations.each(tenantId))
    if (people.has(conversation.objectId)) inputs.conversations.set(conversation.objectId, conversation);
}
