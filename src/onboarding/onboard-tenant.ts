import { placeholderTenantName, type Tenant } from "../domain/index.js";
import { AlreadyExistsError, type Storage, type Versioned } from "../storage/index.js";

export interface NewTenant {
  tenantId: string;
  /** The directory's name for the tenant; without it the row carries a placeholder until it can be read. */
  displayName?: string;
  nameSource?: Tenant["nameSource"];
  adminObjectIds?: string[];
}

/**
 * Creates the tenant's row if it is absent and returns the row either way. Safe under concurrent first
 * requests: whoever loses the create (409) reads the winner's row. The only writer of new tenant rows.
 */
export async function onboardTenant(
  storage: Pick<Storage, "tenants">,
  tenant: NewTenant,
  now: Date,
): Promise<{ tenant: Versioned<Tenant>; created: boolean }> {
  const existing = await storage.tenants.get(tenant.tenantId);
  if (existing) return { tenant: existing, created: false };
  try {
    const created = await storage.tenants.create({
      id: tenant.tenantId,
      displayName: tenant.displayName ?? placeholderTenantName(tenant.tenantId),
      nameSource: tenant.displayName ? (tenant.nameSource ?? "directory") : "placeholder",
      adminObjectIds: tenant.adminObjectIds ?? [],
      createdAt: now.toISOString(),
    });
    return { tenant: created, created: true };
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    const winner = await storage.tenants.get(tenant.tenantId);
    if (!winner) throw error;
    return { tenant: winner, created: false };
  }
}
