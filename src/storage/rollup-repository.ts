import { odata, type TableClient } from "@azure/data-tables";
import { EntityStore, filters, TableTransaction, type Versioned } from "./entity-store.js";
import { keys, prefixEnd } from "./table-keys.js";

/** Below the service's 4 MiB limit on a transaction's body, with room for the batch's own framing. */
const BATCH_BYTES = 3 * 1024 * 1024;

/** One pre-computed row: where it lives and its figures (a plain JSON object owned by src/measure). */
export interface RollupRow<T = unknown> {
  tenantId: string;
  scope: string;
  rowKey: string;
  data: T;
}

/**
 * Rollups: figures kept up to date on write so page views never scan raw records. Rows are replaced under
 * their etag (read-modify-write), so two instances updating one row never lose an increment.
 */
export class RollupRepository {
  private readonly store: EntityStore<RollupRow>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "rollup",
      keyOf: (r) => keys.rollup(r.tenantId, r.scope, r.rowKey),
    });
  }

  async get<T>(tenantId: string, scope: string, rowKey: string): Promise<Versioned<RollupRow<T>> | undefined> {
    const key = keys.rollup(tenantId, scope, rowKey);
    return (await this.store.get(key.partitionKey, key.rowKey)) as Versioned<RollupRow<T>> | undefined;
  }

  /** Creates the row (no etag; AlreadyExistsError if another writer was first) or replaces it under `etag`. */
  async save<T>(row: RollupRow<T>, etag?: string): Promise<void> {
    if (etag) await this.store.replace(row, etag);
    else await this.store.create(row);
  }

  /** Last writer wins: for the rebuild, which recomputes a row from the raw records. */
  async overwrite<T>(row: RollupRow<T>): Promise<void> {
    await this.store.upsert(row);
  }

  /**
   * Last writer wins, rows of one scope batched into transactions: the rebuild's bulk write. A transaction
   * holds at most 100 rows and 4 MiB, so large rows (a week of hundreds of teams) go fewer to a batch.
   */
  async overwriteMany<T>(rows: readonly RollupRow<T>[]): Promise<void> {
    const byPartition = new Map<string, RollupRow<T>[]>();
    for (const row of rows) {
      const pk = keys.rollupPartition(row.tenantId, row.scope);
      const list = byPartition.get(pk) ?? [];
      list.push(row);
      byPartition.set(pk, list);
    }
    for (const list of byPartition.values()) {
      let transaction = new TableTransaction();
      let size = 0;
      for (const row of list) {
        const entity = this.store.entity(row);
        // Strings travel as UTF-16 in the service's accounting: two bytes a character is the safe estimate.
        const bytes = 2 * JSON.stringify(entity).length;
        if (transaction.actions.length === 100 || (size > 0 && size + bytes > BATCH_BYTES)) {
          await this.store.submit(transaction);
          transaction = new TableTransaction();
          size = 0;
        }
        transaction.upsertEntity(entity, "Replace");
        size += bytes;
      }
      await this.store.submit(transaction);
    }
  }

  /**
   * Writes rows of one scope and removes others as one transaction: all or nothing. A row with an etag is
   * replaced only if unchanged since read (ConcurrencyError otherwise), one without is created
   * (AlreadyExistsError if another writer was first); a row to remove must still be there (NotFoundError
   * otherwise: the SDK's transactions delete unconditionally, so only rows nobody changes belong here).
   */
  async commit<T>(
    tenantId: string,
    scope: string,
    writes: readonly { rowKey: string; data: T; etag?: string }[],
    removals: readonly string[] = [],
  ): Promise<void> {
    const transaction = new TableTransaction();
    for (const { rowKey, data, etag } of writes) {
      const entity = this.store.entity({ tenantId: tenantId.toLowerCase(), scope, rowKey, data });
      if (etag) transaction.updateEntity(entity, "Replace", { etag });
      else transaction.createEntity(entity);
    }
    for (const rowKey of removals) {
      const key = keys.rollup(tenantId, scope, rowKey);
      transaction.deleteEntity(key.partitionKey, key.rowKey);
    }
    await this.store.submit(transaction);
  }

  /** Rows of every scope of every tenant whose row key starts with `prefix` (a full scan: for rare sweeps). */
  async *everywhere<T>(prefix: string): AsyncGenerator<Versioned<RollupRow<T>>> {
    for await (const row of this.store.each(odata`RowKey ge ${prefix} and RowKey lt ${prefixEnd(prefix)}`))
      yield row as Versioned<RollupRow<T>>;
  }

  async delete(tenantId: string, scope: string, rowKey: string): Promise<void> {
    const key = keys.rollup(tenantId, scope, rowKey);
    await this.store.delete(key.partitionKey, key.rowKey);
  }

  /** Every row of a scope whose row key starts with `prefix`, in row-key order. */
  async range<T>(tenantId: string, scope: string, from: string, to?: string): Promise<RollupRow<T>[]> {
    const pk = keys.rollupPartition(tenantId, scope);
    const rows: RollupRow<T>[] = [];
    for await (const row of this.store.each(filters.rowRange(pk, from, to ?? prefixEnd(from))))
      rows.push(row.value as RollupRow<T>);
    return rows;
  }
}
