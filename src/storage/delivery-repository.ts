import { odata, type TableClient } from "@azure/data-tables";
import { type Delivery, type DeliveryStatus, parseDelivery, ValidationError } from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions, TableTransaction, type Versioned } from "./entity-store.js";
import { AlreadyExistsError } from "./storage-errors.js";
import { keys, tenantPartitionRange } from "./table-keys.js";

/**
 * Deliveries live in their recipient's partition. Ids start with the slot, so a person's deliveries
 * read in time order, and the id is deterministic, so planning a slot twice is refused by the store.
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
    return this.store.page(filters.rowRange(pk, slotKey(range.from), slotKey(range.to)), options);
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
