import type { TableClient } from "@azure/data-tables";
import { EntityStore } from "./entity-store.js";
import { AlreadyExistsError } from "./storage-errors.js";
import { keys } from "./table-keys.js";

interface SeedMarker {
  tenantId: string;
  name: string;
  seededAt: string;
}

/** Remembers which demo data sets a tenant has been given, so seeding happens on first start only. */
export class SeedMarkerRepository {
  private readonly store: EntityStore<SeedMarker>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "seed marker",
      keyOf: (m) => keys.meta(m.tenantId, `seed.${m.name}`),
    });
  }

  async has(tenantId: string, name: string): Promise<boolean> {
    const { partitionKey, rowKey } = keys.meta(tenantId, `seed.${name}`);
    return (await this.store.get(partitionKey, rowKey)) !== undefined;
  }

  /** Returns false when another instance marked it first. */
  async mark(tenantId: string, name: string, at: Date): Promise<boolean> {
    try {
      await this.store.create({ tenantId, name, seededAt: at.toISOString() });
      return true;
    } catch (error) {
      if (error instanceof AlreadyExistsError) return false;
      throw error;
    }
  }
}
