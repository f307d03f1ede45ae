import { odata, type TableClient } from "@azure/data-tables";
import { mapWithConcurrency } from "../concurrency.js";
import { type Delivery, type DeliveryStatus, parseDelivery } from "../domain/index.js";
import { filters, type Page, type PageOptions, TableTransaction, type Versioned } from "./entity-store.js";
import { PersonTables } from "./person-tables.js";
import { AlreadyExistsError } from "./storage-errors.js";
import { keys, tenantPartitionRange } from "./table-keys.js";

/** What `createMany` did with one delivery: written (with its etag), or refused because its row exists. */
export type CreateOutcome = { delivery: Delivery; etag: string } | { delivery: Delivery; exists: true };

/**
 * Deliveries live in a bucket of their tenant chosen by recipient (see keys.delivery), a person's rows together,
 * in the recipient's table shard. Ids start with the slot, so a person's deliveries read in time order, and the
 * id is deterministic, so planning a slot twice is refused by the store.
 */
export class DeliveryRepository {
  private readonly tables: PersonTables<Delivery>;

  constructor(shards: readonly TableClient[]) {
    this.tables = new PersonTables(shards, {
      what: "delivery",
      keyOf: (d) => keys.delivery(d.tenantId, d.recipientObjectId, d.id),
      columns: (d) => ({ status: d.status, programId: d.programId, slot: d.slot }),
    });
  }

  async get(tenantId: string, recipientObjectId: string, deliveryId: string): Promise<Versioned<Delivery> | undefined> {
    const { partitionKey, rowKey } = keys.delivery(tenantId, recipientObjectId, deliveryId);
    return this.tables.of(recipientObjectId).get(partitionKey, rowKey);
  }

  async create(input: unknown): Promise<Versioned<Delivery>> {
    const delivery = parseDelivery(input);
    return { value: delivery, etag: await this.tables.of(delivery.recipientObjectId).create(delivery) };
  }

  /**
   * Creates many deliveries, a hundred of one bucket to a transaction. A transaction that meets a row already
   * there (a tick that died half-way wrote it) is redone one row at a time, so every other row is still written.
   */
  async createMany(inputs: readonly unknown[], options: { concurrency?: number } = {}): Promise<CreateOutcome[]> {
    const byPartition = new Map<string, Delivery[]>();
    for (const d of inputs.map(parseDelivery)) {
      const { partitionKey } = keys.delivery(d.tenantId, d.recipientObjectId, d.id);
      const list = byPartition.get(partitionKey) ?? [];
      list.push(d);
      byPartition.set(partitionKey, list);
    }
    const batches: Delivery[][] = [];
    for (const list of byPartition.values())
      for (let i = 0; i < list.length; i += 100) batches.push(list.slice(i, i + 100));
    const outcomes = await mapWithConcurrency(batches, options.concurrency ?? 4, (batch) => this.createBatch(batch));
    return outcomes.flat();
  }

  private async createBatch(batch: Delivery[]): Promise<CreateOutcome[]> {
    // A batch is one partition, so one recipient's shard holds it all.
    const store = this.tables.of(batch[0]?.recipientObjectId ?? "");
    const transaction = new TableTransaction();
    for (const d of batch) transaction.createEntity(store.entity(d));
    try {
      const etags = await store.submitForEtags(transaction);
      return batch.map((delivery) => {
        const etag = etags.get(keys.delivery(delivery.tenantId, delivery.recipientObjectId, delivery.id).rowKey);
        if (!etag) throw new Error("storage answered a transaction without an etag for each row");
        return { delivery, etag };
      });
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
    const outcomes: CreateOutcome[] = [];
    for (const delivery of batch) {
      try {
        outcomes.push({ delivery, etag: await store.create(delivery) });
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error;
        outcomes.push({ delivery, exists: true });
      }
    }
    return outcomes;
  }

  /** Saves over `etag` only; a concurrent claim or update makes this throw ConcurrencyError. */
  async save(input: unknown, etag: string): Promise<Versioned<Delivery>> {
    const delivery = parseDelivery(input);
    return { value: delivery, etag: await this.tables.of(delivery.recipientObjectId).replace(delivery, etag) };
  }

  /** A person's deliveries with slots in [from, to), in slot order. */
  async forRecipient(
    tenantId: string,
    recipientObjectId: string,
    range: { from: Date; to: Date },
    options: PageOptions = {},
  ): Promise<Page<Versioned<Delivery>>> {
    const pk = keys.deliveryPartition(tenantId, recipientObjectId);
    const prefix = keys.deliveryRowPrefix(recipientObjectId);
    return this.tables
      .of(recipientObjectId)
      .page(filters.rowRange(pk, `${prefix}${slotKey(range.from)}`, `${prefix}${slotKey(range.to)}`), options);
  }

  /**
   * A program's deliveries across its recipients, optionally in one status. This crosses the tenant's
   * partitions and every table shard, so it is for reports and admin operations, not for hot paths.
   */
  async *eachOfProgram(
    tenantId: string,
    programId: string,
    options: { status?: DeliveryStatus } = {},
  ): AsyncGenerator<Versioned<Delivery>> {
    const { from, to } = tenantPartitionRange(tenantId);
    let filter = `${filters.partitionRange(from, to)} and ${odata`programId eq ${programId}`}`;
    if (options.status) filter += ` and ${odata`status eq ${options.status}`}`;
    yield* this.tables.each(filter);
  }
}

/** Delivery ids start with the compact UTC slot (see deliveryIdFor), so a slot bound is a row-key bound. */
function slotKey(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}
