import type { TableClient } from "@azure/data-tables";
import { EntityStore, type Versioned } from "./entity-store.js";

interface Row {
  partitionKey: string;
  rowKey: string;
  value: unknown;
}

/**
 * Small rows that app instances coordinate through: read, create once, replace over an etag. Keys come
 * from `keys.tenantCoordination` / `keys.appCoordination`. A lost race is ConcurrencyError (replace) or
 * AlreadyExistsError (create), and writes nothing.
 */
export class CoordinationRepository {
  private readonly store: EntityStore<Row>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "coordination row",
      keyOf: (r) => ({ partitionKey: r.partitionKey, rowKey: r.rowKey }),
    });
  }

  async read<T>(key: { partitionKey: string; rowKey: string }): Promise<Versioned<T> | undefined> {
    const row = await this.store.get(key.partitionKey, key.rowKey);
    return row && { value: row.value.value as T, etag: row.etag };
  }

  async create<T>(key: { partitionKey: string; rowKey: string }, value: T): Promise<Versioned<T>> {
    return { value, etag: await this.store.create({ ...key, value }) };
  }

  async replace<T>(key: { partitionKey: string; rowKey: string }, value: T, etag: string): Promise<Versioned<T>> {
    return { value, etag: await this.store.replace({ ...key, value }, etag) };
  }
}
