import { odata, type TableClient } from "@azure/data-tables";
import { parseTenant, type Tenant } from "../domain/index.js";
import { EntityStore, type Versioned } from "./entity-store.js";
import { keys } from "./table-keys.js";

export class TenantRepository {
  private readonly store: EntityStore<Tenant>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, { what: "tenant", keyOf: (t) => keys.tenant(t.id) });
  }

  async get(tenantId: string): Promise<Versioned<Tenant> | undefined> {
    const { partitionKey, rowKey } = keys.tenant(tenantId);
    return this.store.get(partitionKey, rowKey);
  }

  /** Without an etag the tenant must be new; with one, the save fails if someone changed it since. */
  async save(input: unknown, etag?: string): Promise<Versioned<Tenant>> {
    const tenant = parseTenant(input);
    const newEtag = etag ? await this.store.replace(tenant, etag) : await this.store.create(tenant);
    return { value: tenant, etag: newEtag };
  }

  /** Every tenant (one row each); the delivery planner walks them on each tick. */
  async *each(): AsyncGenerator<Tenant> {
    for await (const row of this.store.each(odata`RowKey eq ${"tenant"}`)) yield row.value;
  }
}
