import type { Program, Team } from "../domain/index.js";
import type { Storage } from "../storage/index.js";

/** Up to this many teams are read one by one; more are read as one range of the tenant's teams. */
const POINT_READ_TEAMS = 50;
/** How long one instance reuses a tenant's team list for large programs. */
export const TEAM_LIST_TTL_MS = 30_000;
const MAX_CACHED_TENANTS = 100;

const cached = new Map<string, { at: number; teams: Map<string, Team> }>();

/**
 * The teams of a program. A large program's teams come from one read of the tenant's team list, which this
 * instance keeps for 30 seconds: teams change rarely (a rename, a member joining or leaving), and showing
 * such a change up to 30 seconds late is harmless; the figures themselves always come fresh from the rollups.
 * Storage stays the truth and every instance converges on it within the 30 seconds, so instances stay
 * interchangeable.
 */
export async function teamsOfProgram(
  storage: Pick<Storage, "teams">,
  program: Program,
  now = Date.now(),
): Promise<Map<string, Team>> {
  const wanted = program.teams.map((t) => t.teamId);
  if (wanted.length <= POINT_READ_TEAMS) {
    const found = await Promise.all(wanted.map((id) => storage.teams.get(program.tenantId, id)));
    return new Map(found.flatMap((t) => (t ? [[t.value.id, t.value] as const] : [])));
  }
  const all = await tenantTeams(storage, program.tenantId, now);
  return new Map(wanted.flatMap((id) => (all.has(id) ? [[id, all.get(id) as Team] as const] : [])));
}

async function tenantTeams(storage: Pick<Storage, "teams">, tenantId: string, now: number): Promise<Map<string, Team>> {
  const key = tenantId.toLowerCase();
  const hit = cached.get(key);
  if (hit && now - hit.at < TEAM_LIST_TTL_MS) return hit.teams;
  const teams = new Map<string, Team>();
  let continuationToken: string | undefined;
  do {
    const page = await storage.teams.list(tenantId, { continuationToken, pageSize: 1000 });
    for (const { value } of page.items) teams.set(value.id, value);
    continuationToken = page.continuationToken;
  } while (continuationToken);
  cached.delete(key);
  cached.set(key, { at: now, teams });
  // Oldest first in a Map's order: drop the least recently read tenants beyond the bound.
  for (const old of cached.keys()) {
    if (cached.size <= MAX_CACHED_TENANTS) break;
    cached.delete(old);
  }
  return teams;
}
