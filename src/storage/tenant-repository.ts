import { odata, type TableClient } from "@azure/data-tables";
import { parseTenant, type Tenant } from "../domain/index.js";
import { EntityStore, type Versioned } from "./entity-store.js";
import { keys } from "./table-keys.js";

/** One row per tenant. Rows are created only by onboarding (src/onboarding), never by a route or a loader. */
export class TenantRepository {
  private readonly store: EntityStore<Tenant>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, { what: "tenant", keyOf: (t) => keys.tenant(t.id) });
  }

  async get(tenantId: string): Promise<Versioned<Tenant> | undefined> {
    const { partitionKey, rowKey } = keys.tenant(tenantId);
    return this.store.get(partitionKey, rowKey);
  }

  /** A new tenant; AlreadyExistsError when someone created it first. */
  async create(input: unknown): Promise<Versioned<Tenant>> {
    const tenant = parseTenant(input);
    return { value: tenant, etag: await this.store.create(tenant) };
  }

  /** Changes a tenant over its etag; ConcurrencyError if someone changed it since. */
  async replace(input: unknown, etag: string): Promise<Versioned<Tenant>> {
    const tenant = parseTenant(input);
    return { value: tenant, etag: await this.store.replace(tenant, etag) };
  }

  /** Every tenant (one row each); the delivery planner walks them on each tick. */
  async *each(): AsyncGenerator<Tenant> {
    for await (const row of this.store.each(odata`RowKey eq ${"tenant"}`)) yield row.value;
  }
}
