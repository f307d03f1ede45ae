import { odata, type TableClient } from "@azure/data-tables";
import { mapWithConcurrency } from "../concurrency.js";
import { type Delivery, type DeliveryStatus, parseDelivery, ValidationError } from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions, TableTransaction, type Versioned } from "./entity-store.js";
import { AlreadyExistsError } from "./storage-errors.js";
import { keys, tenantPartitionRange } from "./table-keys.js";

/** What `createMany` did with one delivery: written (with its etag), or refused because its row exists. */
export type CreateOutcome = { delivery: Delivery; etag: string } | { delivery: Delivery; exists: true };

/**
 * Deliveries live in a bucket of their tenant chosen by recipient (see keys.delivery), a person's rows together.
 * Ids start with the slot, so a person's deliveries read in time order, and the id is deterministic, so
 * planning a slot twice is refused by the store.
 */
export class DeliveryRepository {
  private readonly store: EntityStore<Delivery>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "delivery",
      keyOf: (d) => keys.delivery(d.tenantId, d.recipientObjectId, d.id),
      columns: (d) => ({ status: d.status, programId: d.programId, slot: d.slot }),
    });
  }

  async get(tenantId: string, recipientObjectId: string, deliveryId: string): Promise<Versioned<Delivery> | undefined> {
    const { partitionKey, rowKey } = keys.delivery(tenantId, recipientObjectId, deliveryId);
    return this.store.get(partitionKey, rowKey);
  }

  async create(input: unknown): Promise<Versioned<Delivery>> {
    const delivery = parseDelivery(input);
    return { value: delivery, etag: await this.store.create(delivery) };
  }

  /**
   * Creates one recipient's deliveries in a transaction (at most 100). Returns false, writing nothing,
   * when any of them already exists: the slot was planned before.
   */
  async createForRecipient(tenantId: string, recipientObjectId: string, inputs: readonly unknown[]): Promise<boolean> {
    const deliveries = inputs.map(parseDelivery);
    const partition = keys.deliveryPartition(tenantId, recipientObjectId);
    deliveries.forEach((d, i) => {
      if (keys.delivery(d.tenantId, d.recipientObjectId, d.id).partitionKey !== partition)
        throw new ValidationError("delivery", [{ field: `[${i}].recipientObjectId`, rule: "must be the recipient's" }]);
    });
    const transaction = new TableTransaction();
    for (const d of deliveries) transaction.createEntity(this.store.entity(d));
    try {
      await this.store.submit(transaction);
      return true;
    } catch (error) {
      if (error instanceof AlreadyExistsError) return false;
      throw error;
    }
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
    const transaction = new TableTransaction();
    for (const d of batch) transaction.createEntity(this.store.entity(d));
    try {
      const etags = await this.store.submitForEtags(transaction);
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
        outcomes.push({ delivery, etag: await this.store.create(delivery) });
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
    return { value: delivery, etag: await this.store.replace(delivery, etag) };
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
    return this.store.page(
      filters.rowRange(pk, `${prefix}${slotKey(range.from)}`, `${prefix}${slotKey(range.to)}`),
      options,
    );
  }

  /**
   * A program's deliveries across its recipients, optionally in one status. This crosses the tenant's
   * partitions, so it is for reports and admin operations, not for hot paths.
   */
  async forProgram(
    tenantId: string,
    programId: string,
    options: PageOptions & { status?: DeliveryStatus } = {},
  ): Promise<Page<Versioned<Delivery>>> {
    const { from, to } = tenantPartitionRange(tenantId);
    let filter = `${filters.partitionRange(from, to)} and ${odata`programId eq ${programId}`}`;
    if (options.status) filter += ` and ${odata`status eq ${options.status}`}`;
    return this.store.page(filter, options);
  }
}

/** Delivery ids start with the compact UTC slot (see deliveryIdFor), so a slot bound is a row-key bound. */
function slotKey(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}
