import type { Tenant } from "../domain/index.js";
import type { Logger } from "../logger.js";
import { ConcurrencyError, type Storage, type Versioned } from "../storage/index.js";
import { onboardTenant } from "./onboard-tenant.js";

/** Reads a tenant's name from the directory (Graph `GET /organization`); undefined when it cannot. */
export interface OrganizationNames {
  organizationName(tenantId: string): Promise<string | undefined>;
}

export interface TenantOnboardingDeps {
  storage: Pick<Storage, "tenants">;
  /** The configured tenants (ALLOWED_TENANT_IDS); nobody else is ever onboarded. */
  allowedTenantIds: readonly string[];
  /** Absent when Graph is not configured: tenants then keep a placeholder name. */
  directory?: OrganizationNames;
  now: () => Date;
  logger?: Pick<Logger, "info" | "warn">;
  /** How long a placeholder name stands before the directory is asked again. */
  nameRetryMs?: number;
}

/**
 * A tenant exists as soon as it is allowed and used: the first signed-in request or bot install of an
 * allowed tenant creates its row (with the directory's name when Graph can read it), and every later one
 * finds it. A placeholder name is replaced once the directory answers.
 */
export class TenantOnboarding {
  private readonly allowed: Set<string>;
  private readonly nameTriedAt = new Map<string, number>();

  constructor(private readonly deps: TenantOnboardingDeps) {
    this.allowed = new Set(deps.allowedTenantIds.map((t) => t.toLowerCase()));
  }

  isAllowed(tenantId: string): boolean {
    return this.allowed.has(tenantId.toLowerCase());
  }

  /** The tenant's row, created if this is its first use; undefined (and nothing written) for a tenant not allowed. */
  async ensure(tenantId: string, via: "sign-in" | "bot"): Promise<Versioned<Tenant> | undefined> {
    const id = tenantId.toLowerCase();
    if (!this.isAllowed(id)) return undefined;
    const { storage, now, logger } = this.deps;
    const existing = await storage.tenants.get(id);
    if (existing) return existing.value.nameSource === "placeholder" ? this.fillName(existing) : existing;
    const displayName = await this.nameFromDirectory(id);
    const { tenant, created } = await onboardTenant(storage, { tenantId: id, displayName }, now());
    if (created) logger?.info({ tenantId: id, via, named: Boolean(displayName) }, "tenant onboarded");
    return tenant;
  }

  private async nameFromDirectory(tenantId: string): Promise<string | undefined> {
    const { directory, logger } = this.deps;
    if (!directory) return undefined;
    this.nameTriedAt.set(tenantId, Date.now());
    try {
      return await directory.organizationName(tenantId);
    } catch (error) {
      logger?.warn({ tenantId, reason: (error as Error).message }, "tenant name not read from the directory");
      return undefined;
    }
  }

  /** Replaces a placeholder name with the directory's, at most once per `nameRetryMs` per tenant. */
  private async fillName(row: Versioned<Tenant>): Promise<Versioned<Tenant>> {
    const tried = this.nameTriedAt.get(row.value.id) ?? 0;
    if (!this.deps.directory || Date.now() - tried < (this.deps.nameRetryMs ?? 10 * 60_000)) return row;
    const displayName = await this.nameFromDirectory(row.value.id);
    if (!displayName) return row;
    try {
      return await this.deps.storage.tenants.replace({ ...row.value, displayName, nameSource: "directory" }, row.etag);
    } catch (error) {
      if (error instanceof ConcurrencyError) return row;
      throw error;
    }
  }
}
