import type { TableClient } from "@azure/data-tables";
import { type Conversation, parseConversation } from "../domain/index.js";
import { filters, type Versioned } from "./entity-store.js";
import { PersonTables } from "./person-tables.js";
import { noPlanChanges, type PlanChanges, tellPlanner } from "./planning-repository.js";
import { keys, tenantPartition } from "./table-keys.js";

/**
 * One row per person, in the person's table shard: how the bot reaches them, whether it still can, and whether
 * they paused.
 */
export class ConversationRepository {
  private readonly tables: PersonTables<Conversation>;

  constructor(
    shards: readonly TableClient[],
    private readonly changes: PlanChanges = noPlanChanges,
  ) {
    this.tables = new PersonTables(shards, {
      what: "conversation",
      keyOf: (c) => keys.conversation(c.tenantId, c.objectId),
      columns: (c) => ({ reachable: c.reachable }),
    });
  }

  async get(tenantId: string, objectId: string): Promise<Versioned<Conversation> | undefined> {
    const { partitionKey, rowKey } = keys.conversation(tenantId, objectId);
    return this.tables.of(objectId).get(partitionKey, rowKey);
  }

  /** Install and re-install: the latest reference Teams gave us wins. */
  async upsert(input: unknown): Promise<Versioned<Conversation>> {
    const conversation = parseConversation(input);
    const etag = await this.tables.of(conversation.objectId).upsert(conversation);
    await tellPlanner(() => this.changes.changed(conversation.tenantId, "conversation", conversation.objectId));
    return { value: conversation, etag };
  }

  /** Conditional on `etag`, so a concurrent uninstall is never silently undone (ConcurrencyError). */
  async save(input: unknown, etag: string): Promise<Versioned<Conversation>> {
    const conversation = parseConversation(input);
    const saved = await this.tables.of(conversation.objectId).replace(conversation, etag);
    await tellPlanner(() => this.changes.changed(conversation.tenantId, "conversation", conversation.objectId));
    return { value: conversation, etag: saved };
  }

  /** Every person of the tenant the bot can or could reach, a service page (1,000) at a time, shard by shard. */
  async *each(tenantId: string): AsyncGenerator<Conversation> {
    for await (const row of this.tables.each(filters.partition(tenantPartition(tenantId)))) yield row.value;
  }
}
