import type { Program } from "../domain/index.js";
import type { Storage } from "../storage/index.js";

/** The running (active or paused) programs a team takes part in. A tenant has tens of programs. */
export async function runningProgramsOfTeams(
  storage: Pick<Storage, "programs">,
  tenantId: string,
  teamIds: readonly string[],
): Promise<Program[]> {
  const byStatus = await Promise.all(
    (["active", "paused"] as const).map(async (status) => {
      const programs: Program[] = [];
      for await (const { value } of storage.programs.each(tenantId, status))
        if (value.teams.some((t) => teamIds.includes(t.teamId))) programs.push(value);
      return programs;
    }),
  );
  return byStatus.flat().sort((a, b) => a.name.localeCompare(b.name));
}
