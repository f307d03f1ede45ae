import type { Tenant } from "../../domain/index.js";
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

/** The caller's tenant row, created on the tenant's first signed-in request (see src/onboarding). */
export type TenantOf = (tenantId: string) => Promise<{ value: Tenant } | undefined>;

export async function resolveCaller(
  storage: Pick<Storage, "teams">,
  tenantOf: TenantOf,
  identity: VerifiedIdentity,
): Promise<Caller> {
  const [tenant, memberships] = await Promise.all([
    tenantOf(identity.tenantId),
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
