import type { Person, Program, Team } from "../domain/index.js";
import type { Storage } from "../storage/index.js";

/** A person some active program will send cards to, with the team they get them through. */
export interface Participant {
  person: Person;
  team: Team;
  role: "manager" | "member";
  programIds: string[];
}

/**
 * The people the tenant's programs send to: each program's pilot teams' managers (for entries addressed to
 * managers) and members (for entries addressed to learners). Comparison teams get nothing, so they are not
 * reached. `programId` narrows it to one program, of any status (the admin's Deliver step before activation).
 */
export async function participantsOf(
  storage: Pick<Storage, "programs" | "teams">,
  tenantId: string,
  programId?: string,
): Promise<Participant[]> {
  const programs: Program[] = [];
  if (programId) {
    const one = await storage.programs.get(tenantId, programId);
    if (one) programs.push(one.value);
  } else for await (const { value } of storage.programs.each(tenantId, "active")) programs.push(value);

  const teams = new Map<string, Team | undefined>();
  const byPerson = new Map<string, Participant>();
  for (const program of programs) {
    const audiences = new Set(program.schedule.entries.map((e) => e.audience));
    for (const { teamId, role } of program.teams) {
      if (role !== "pilot") continue;
      if (!teams.has(teamId)) teams.set(teamId, (await storage.teams.get(tenantId, teamId))?.value);
      const team = teams.get(teamId);
      if (!team) continue;
      const people: [Person, "manager" | "member"][] = [
        ...(audiences.has("managers") ? ([[team.manager, "manager"]] as [Person, "manager"][]) : []),
        ...(audiences.has("learners") ? team.members.map((m) => [m, "member"] as [Person, "member"]) : []),
      ];
      for (const [person, as] of people) {
        const id = person.objectId.toLowerCase();
        const known = byPerson.get(id);
        if (known) {
          if (!known.programIds.includes(program.id)) known.programIds.push(program.id);
        } else byPerson.set(id, { person, team, role: as, programIds: [program.id] });
      }
    }
  }
  return [...byPerson.values()];
}
