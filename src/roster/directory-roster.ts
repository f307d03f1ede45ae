import { z } from "zod";
import { mapWithConcurrency } from "../concurrency.js";
import { entraIdSchema, idSchema, nameSchema, type TeamInput, timeZoneSchema } from "../domain/index.js";
import { type Directory, type DirectoryPerson, ianaZoneOf } from "../graph/index.js";
import type { Storage } from "../storage/index.js";

/** Where a team's people come from in the directory. */
export const directorySourceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("teams-team"), teamId: z.string().trim().min(1, "must not be empty").max(200) }),
  z.object({ kind: z.literal("group"), groupId: entraIdSchema }),
  z.object({ kind: z.literal("direct-reports"), managerObjectId: entraIdSchema }),
]);

export const directoryRosterRequestSchema = z.strictObject({
  /** The Throughline team to create or refresh. */
  teamId: idSchema,
  name: nameSchema,
  source: directorySourceSchema,
  /** The team's manager; for direct reports it is the source's manager and may be left out. */
  managerObjectId: entraIdSchema.optional(),
  /** Zones the admin chose for people whose zone the directory does not know (object id → IANA zone). */
  timeZones: z.record(entraIdSchema, timeZoneSchema).default({}),
});

export type DirectoryRosterRequest = z.output<typeof directoryRosterRequestSchema>;

export interface RosterPerson {
  objectId: string;
  displayName: string;
  role: "manager" | "member";
  /** Null when no source knows it: shown as unknown, never taken to be UTC. */
  timeZone: string | null;
  zoneFrom: "mailbox" | "teams-client" | "admin" | null;
  /** Why the mailbox gave no zone (unset, unmapped Windows name, Graph refused), when it did not. */
  zoneProblem: string | null;
  /** A Teams owner of the source team: a likely manager. */
  owner?: boolean;
}

export interface DirectoryRoster {
  people: RosterPerson[];
  /** What stops the team from being written; empty means it can be. */
  problems: string[];
  /** The team as it would be written, when nothing stops it. */
  team?: TeamInput;
}

const MAX_MEMBERS = 200;

/**
 * A team's roster read from the directory: the source's people, the manager, and each person's zone from
 * their mailbox settings (Windows names mapped to IANA), else from what their Teams client reported to the
 * bot, else the admin's choice; a person with none of these is listed as unknown and stops the write.
 */
export async function readDirectoryRoster(
  directory: Directory,
  storage: Pick<Storage, "conversations">,
  tenantId: string,
  request: DirectoryRosterRequest,
  /** The signed-in admin's API token; without it the directory is read app-only. */
  asAdmin?: string,
): Promise<DirectoryRoster> {
  const { source } = request;
  // Who is in a team, group or reporting line is read with the admin's own rights (on behalf of them):
  // Throughline's permission never shows an admin a roster they could not see themselves. Time zones are
  // read app-only: only the app may read other people's mailbox settings.
  const reader = asAdmin ? directory.onBehalfOf(asAdmin) : directory;
  const listed: (DirectoryPerson & { owner?: boolean })[] =
    source.kind === "teams-team"
      ? await reader.teamMembers(tenantId, source.teamId)
      : source.kind === "group"
        ? await reader.groupMembers(tenantId, source.groupId)
        : await reader.directReports(tenantId, source.managerObjectId);
  const problems: string[] = [];
  const managerId = request.managerObjectId ?? (source.kind === "direct-reports" ? source.managerObjectId : undefined);
  let manager = listed.find((p) => p.objectId === managerId);
  if (!managerId) problems.push("choose the team's manager (managerObjectId)");
  else if (!manager) {
    const found = await reader.user(tenantId, managerId);
    if (found) manager = found;
    else problems.push(`the manager ${managerId} is not in the directory`);
  }
  const members = listed.filter((p) => p.objectId !== managerId);
  if (members.length > MAX_MEMBERS)
    problems.push(`the source has ${members.length} people; a team has at most ${MAX_MEMBERS}`);

  const people = await mapWithConcurrency(
    [
      ...(manager ? [{ ...manager, role: "manager" as const }] : []),
      ...members.map((m) => ({ ...m, role: "member" as const })),
    ],
    4,
    (p) => withZone(directory, storage, tenantId, p, request.timeZones[p.objectId]),
  );
  for (const p of people.filter((p) => p.timeZone === null))
    problems.push(`time zone unknown for ${p.displayName || p.objectId}: ${p.zoneProblem ?? "not known"}; choose one`);
  if (problems.length > 0 || !manager) return { people, problems };
  const asPerson = (p: RosterPerson) => ({
    objectId: p.objectId,
    displayName: p.displayName || p.objectId,
    timeZone: p.timeZone ?? "",
  });
  const [head, ...rest] = people;
  return {
    people,
    problems,
    team: head && {
      id: request.teamId,
      tenantId,
      name: request.name,
      manager: asPerson(head),
      members: rest.map(asPerson),
    },
  };
}

async function withZone(
  directory: Directory,
  storage: Pick<Storage, "conversations">,
  tenantId: string,
  person: DirectoryPerson & { owner?: boolean; role: "manager" | "member" },
  chosen: string | undefined,
): Promise<RosterPerson> {
  const base = {
    objectId: person.objectId,
    displayName: person.displayName,
    role: person.role,
    ...(person.owner === undefined ? {} : { owner: person.owner }),
  };
  if (chosen) return { ...base, timeZone: chosen, zoneFrom: "admin", zoneProblem: null };
  let zoneProblem: string;
  try {
    const reading = ianaZoneOf(await directory.mailboxTimeZone(tenantId, person.objectId));
    if ("timeZone" in reading) return { ...base, timeZone: reading.timeZone, zoneFrom: "mailbox", zoneProblem: null };
    zoneProblem = reading.problem;
  } catch (error) {
    const e = error as { status?: number; code?: string; message?: string };
    zoneProblem = `mailbox settings not readable (${e.status ?? ""} ${e.code ?? e.message ?? "error"})`.replace(
      "( ",
      "(",
    );
  }
  const conversation = await storage.conversations.get(tenantId, person.objectId);
  const fromTeams = conversation?.value.timeZone;
  if (fromTeams) return { ...base, timeZone: fromTeams, zoneFrom: "teams-client", zoneProblem: null };
  return { ...base, timeZone: null, zoneFrom: null, zoneProblem };
}
