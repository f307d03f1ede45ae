import type { Storage } from "../../storage/index.js";
import type { VerifiedIdentity } from "./token-verifier.js";

/** The verified caller and what they may see: roles come from the token and from storage, never the request. */
export interface Caller extends VerifiedIdentity {
  isAdmin: boolean;
  managedTeamIds: string[];
  memberTeamIds: string[];
}

/** The Entra app role that makes a caller an admin of their tenant. */
export const ADMIN_APP_ROLE = "Admin";

export async function resolveCaller(
  storage: Pick<Storage, "tenants" | "teams">,
  identity: VerifiedIdentity,
): Promise<Caller> {
  const [tenant, memberships] = await Promise.all([
    storage.tenants.get(identity.tenantId),
    storage.teams.teamsOf(identity.tenantId, identity.objectId),
  ]);
  const isAdmin =
    identity.appRoles.includes(ADMIN_APP_ROLE) || (tenant?.value.adminObjectIds.includes(identity.objectId) ?? false);
  return {
    ...identity,
    isAdmin,
    managedTeamIds: memberships.filter((m) => m.role === "manager").map((m) => m.teamId),
    memberTeamIds: memberships.filter((m) => m.role === "member").map((m) => m.teamId),
  };
}

export function canSeeTeam(caller: Caller, teamId: string): boolean {
  return caller.isAdmin || caller.managedTeamIds.includes(teamId);
}
