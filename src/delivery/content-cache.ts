import type { Asset, Program, Team } from "../domain/index.js";
import type { Storage } from "../storage/index.js";

interface Entry<T> {
  value: Promise<T | undefined>;
  expires: number;
}

/**
 * Programs, teams and assets change rarely and a campaign sends the same few to thousands of people:
 * each instance keeps them for a short while instead of reading them per send.
 */
export class ContentCache {
  private readonly entries = new Map<string, Entry<unknown>>();

  constructor(
    private readonly storage: Pick<Storage, "programs" | "teams" | "assets">,
    private readonly ttlMs = 30_000,
  ) {}

  program(tenantId: string, programId: string): Promise<Program | undefined> {
    return this.cached(
      `p|${tenantId}|${programId}`,
      async () => (await this.storage.programs.get(tenantId, programId))?.value,
    );
  }

  team(tenantId: string, teamId: string): Promise<Team | undefined> {
    return this.cached(`t|${tenantId}|${teamId}`, async () => (await this.storage.teams.get(tenantId, teamId))?.value);
  }

  asset(tenantId: string, programId: string, assetId: string): Promise<Asset | undefined> {
    return this.cached(
      `a|${tenantId}|${programId}|${assetId}`,
      async () => (await this.storage.assets.get(tenantId, programId, assetId))?.value,
    );
  }

  private cached<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = Date.now();
    const hit = this.entries.get(key) as Entry<T> | undefined;
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    value.catch(() => this.entries.delete(key));
    return value;
  }
}
