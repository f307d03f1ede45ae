import type { Tenant } from "../domain/index.js";
import { ConcurrencyError, NotFoundError, type Storage, type Versioned } from "../storage/index.js";

/**
 * Names (or un-names) a further admin of the tenant. Everyone holding the Entra app role `Admin` is an
 * admin without an entry here; this list is for people the tenant's IT has not given the role.
 */
export async function changeTenantAdmins(
  storage: Pick<Storage, "tenants">,
  tenantId: string,
  change: { add?: string; remove?: string },
): Promise<Versioned<Tenant>> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await storage.tenants.get(tenantId);
    if (!current) throw new NotFoundError("tenant");
    const ids = current.value.adminObjectIds.filter((id) => id !== change.remove?.toLowerCase());
    const add = change.add?.toLowerCase();
    if (add && !ids.includes(add)) ids.push(add);
    if (
      ids.length === current.value.adminObjectIds.length &&
      ids.every((id, i) => id === current.value.adminObjectIds[i])
    )
      return current;
    try {
      return await storage.tenants.replace({ ...current.value, adminObjectIds: ids }, current.etag);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  throw new ConcurrencyError("tenant");
}
