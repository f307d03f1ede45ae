import {
  odata,
  type TableClient,
  type TableEntity,
  type TableEntityResult,
  TableTransaction,
} from "@azure/data-tables";
import { translateStorageError } from "./storage-errors.js";
import { hasControlCharacter } from "./table-keys.js";

/** A value read from the store with the etag it was read at; pass the etag back to save over it. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/** One page of a query and the token for the next; no token means the last page. */
export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface PageOptions {
  pageSize?: number;
  continuationToken?: string;
}

export type Columns = Record<string, string | number | boolean | Date>;

export interface EntityMapping<T> {
  /** What the rows are called in errors ("program", "team"). */
  what: string;
  keyOf(value: T): { partitionKey: string; rowKey: string };
  /** Scalar copies of fields that queries filter on; the value itself is kept whole as JSON. */
  columns?(value: T): Columns;
}

/**
 * Table Storage caps a string property at 64 KiB (32K UTF-16 units); a value's JSON is split across
 * d0, d1, … so an aggregate can grow to the 1 MiB entity limit without a per-type codec.
 */
const CHUNK = 30_000;
const MAX_CHUNKS = 30;

function encode<T>(value: T, mapping: EntityMapping<T>): TableEntity {
  const json = JSON.stringify(value);
  const chunks = Math.ceil(json.length / CHUNK) || 1;
  if (chunks > MAX_CHUNKS) throw new Error(`${mapping.what} is too large to store (${json.length} characters)`);
  const entity: TableEntity<Record<string, unknown>> = { ...mapping.keyOf(value), ...(mapping.columns?.(value) ?? {}) };
  entity.chunks = chunks;
  for (let i = 0; i < chunks; i++) entity[`d${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
  return entity;
}

function decode<T>(entity: TableEntityResult<Record<string, unknown>>): Versioned<T> {
  const chunks = Number(entity.chunks ?? 1);
  let json = "";
  for (let i = 0; i < chunks; i++) json += String(entity[`d${i}`] ?? "");
  return { value: JSON.parse(json) as T, etag: entity.etag };
}

/** The common mechanics of every repository: create, conditional replace, point read, paged query, batch. */
export class EntityStore<T> {
  constructor(
    readonly client: TableClient,
    private readonly mapping: EntityMapping<T>,
  ) {}

  entity(value: T): TableEntity {
    return encode(value, this.mapping);
  }

  async get(partitionKey: string, rowKey: string): Promise<Versioned<T> | undefined> {
    try {
      const entity = await this.client.getEntity<Record<string, unknown>>(partitionKey, rowKey);
      return decode<T>(entity);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /**
   * The value of one column beside the stored JSON (`undefined` when there is no such row, `null` when the row
   * has no such column): bookkeeping a repository keeps next to a value, such as which write made the row.
   */
  async column(partitionKey: string, rowKey: string, name: string): Promise<unknown> {
    try {
      const entity = await this.client.getEntity<Record<string, unknown>>(partitionKey, rowKey, {
        queryOptions: { select: [name] },
      });
      return entity[name] ?? null;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Fails with AlreadyExistsError when the row exists. Returns the new etag. `extra` columns go beside the value. */
  async create(value: T, extra: Columns = {}): Promise<string> {
    try {
      const response = await this.client.createEntity({ ...this.entity(value), ...extra });
      return response.etag ?? "";
    } catch (error) {
      throw translateStorageError(error, this.mapping.what);
    }
  }

  /** Replaces the row only if it still has `etag`; otherwise ConcurrencyError and nothing is written. */
  async replace(value: T, etag: string): Promise<string> {
    try {
      const response = await this.client.updateEntity(this.entity(value), "Replace", { etag });
      return response.etag ?? "";
    } catch (error) {
      throw translateStorageError(error, this.mapping.what);
    }
  }

  /** Last writer wins: only for rows whose identity is their content (imported values, index rows). */
  async upsert(value: T): Promise<string> {
    const response = await this.client.upsertEntity(this.entity(value), "Replace");
    return response.etag ?? "";
  }

  async delete(partitionKey: string, rowKey: string, etag?: string): Promise<void> {
    try {
      await this.client.deleteEntity(partitionKey, rowKey, etag ? { etag } : undefined);
    } catch (error) {
      throw translateStorageError(error, this.mapping.what);
    }
  }

  /** One page of a query, read from the service with its continuation token. */
  async page(filter: string, options: PageOptions = {}): Promise<Page<Versioned<T>>> {
    const pages = this.client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: clampPageSize(options.pageSize), continuationToken: options.continuationToken });
    const next = await pages.next();
    if (next.done || !next.value) return { items: [] };
    const page = next.value;
    return { items: page.map((e) => decode<T>(e)), continuationToken: page.continuationToken };
  }

  /** Every match (every row without a filter), a service page at a time; stops as soon as the caller stops iterating. */
  async *each(filter?: string): AsyncGenerator<Versioned<T>> {
    for await (const page of this.client
      .listEntities<Record<string, unknown>>({ queryOptions: filter ? { filter } : {} })
      .byPage({ maxPageSize: 1000 })) {
      for (const entity of page) yield decode<T>(entity);
    }
  }

  /** Runs the operations as one transaction (one partition, at most 100): all or nothing. */
  async submit(transaction: TableTransaction): Promise<void> {
    await this.submitForEtags(transaction);
  }

  /** As `submit`, and returns each written row's new etag by row key. */
  async submitForEtags(transaction: TableTransaction): Promise<Map<string, string>> {
    const etags = new Map<string, string>();
    if (transaction.actions.length === 0) return etags;
    if (transaction.actions.length > 100) throw new Error("a transaction holds at most 100 operations");
    try {
      const response = await this.client.submitTransaction(transaction.actions);
      // The SDK reads a sub-response's row key from its Location URL, still percent-encoded.
      for (const sub of response.subResponses)
        if (sub.rowKey && sub.etag) etags.set(decodeURIComponent(sub.rowKey), sub.etag.trim());
      return etags;
    } catch (error) {
      throw translateStorageError(error, this.mapping.what);
    }
  }
}

/**
 * Whether a token can be one the table SDK gave out (base64 of {nextPartitionKey, nextRowKey}, keys a table
 * accepts). Anything else would make the SDK or the service fail, so the edge refuses it first.
 */
export function isContinuationToken(token: string): boolean {
  if (token.length === 0 || token.length > 2_000 || !/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return false;
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64").toString("latin1")) as unknown;
    if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) return false;
    const { nextPartitionKey, nextRowKey, ...rest } = decoded as Record<string, unknown>;
    return (
      Object.keys(rest).length === 0 &&
      isKeyText(nextPartitionKey) &&
      (nextRowKey === undefined || isKeyText(nextRowKey))
    );
  } catch {
    return false;
  }
}

function isKeyText(value: unknown): boolean {
  return (
    typeof value === "string" &&
    value.length > 0 &&
    value.length <= 1_024 &&
    !/[/\\#?]/.test(value) &&
    !hasControlCharacter(value)
  );
}

export function clampPageSize(pageSize: number | undefined): number {
  return Math.min(Math.max(Math.trunc(pageSize ?? 100), 1), 1000);
}

export const filters = {
  partition: (pk: string) => odata`PartitionKey eq ${pk}`,
  partitionRange: (from: string, to: string) => odata`PartitionKey ge ${from} and PartitionKey lt ${to}`,
  rowRange: (pk: string, from: string, to: string) =>
    odata`PartitionKey eq ${pk} and RowKey ge ${from} and RowKey lt ${to}`,
};

export { TableTransaction };
