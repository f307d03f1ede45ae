import type { TableClient } from "@azure/data-tables";
import { type EntityMapping, EntityStore, type Versioned } from "./entity-store.js";
import { PERSON_TABLE_SHARDS, personTableShard } from "./table-keys.js";

/** One kind of per-person row spread over its table shards (see personTableNames): a store per shard. */
export class PersonTables<T> {
  private readonly stores: EntityStore<T>[];

  constructor(clients: readonly TableClient[], mapping: EntityMapping<T>) {
    if (clients.length !== PERSON_TABLE_SHARDS)
      throw new Error(`expected ${PERSON_TABLE_SHARDS} table shards, got ${clients.length}`);
    this.stores = clients.map((client) => new EntityStore(client, mapping));
  }

  /** The store that holds the person's rows. */
  of(objectId: string): EntityStore<T> {
    return this.stores[personTableShard(objectId)] as EntityStore<T>;
  }

  /** Every match in every shard, a shard after another (so not in key order across shards). */
  async *each(filter: string): AsyncGenerator<Versioned<T>> {
    for (const store of this.stores) yield* store.each(filter);
  }
}
