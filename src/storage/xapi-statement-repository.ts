import type { TableClient } from "@azure/data-tables";
import { EntityStore, filters, type Page, type PageOptions, type Versioned } from "./entity-store.js";
import { keys, tenantPartition } from "./table-keys.js";

/** An xAPI statement as the app keeps it: the statement (plain JSON) and whether the LRS has it. */
export interface XapiRecord {
  tenantId: string;
  statementId: string;
  timestamp: string;
  statement: Record<string, unknown>;
  status: "queued" | "sent" | "failed" | "rejected" | "not-sent";
  lastError: string | null;
}

/** What the xAPI queue carries: where the statement is stored. */
export interface XapiMessage {
  tenantId: string;
  timestamp: string;
  statementId: string;
}

export class XapiStatementRepository {
  private readonly store: EntityStore<XapiRecord>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "xapi statement",
      keyOf: (r) => keys.xapiStatement(r.tenantId, r.timestamp, r.statementId),
      columns: (r) => ({ status: r.status }),
    });
  }

  /** Same statement id and time → same row: recording a statement twice keeps one. */
  async put(record: XapiRecord): Promise<void> {
    await this.store.upsert(record);
  }

  async get(tenantId: string, timestamp: string, statementId: string): Promise<Versioned<XapiRecord> | undefined> {
    const { partitionKey, rowKey } = keys.xapiStatement(tenantId, timestamp, statementId);
    return this.store.get(partitionKey, rowKey);
  }

  async replace(record: XapiRecord, etag: string): Promise<void> {
    await this.store.replace(record, etag);
  }

  /** Statements with from ≤ timestamp < to (ISO instants), oldest first, a page at a time. */
  async between(tenantId: string, from: string, to: string, options: PageOptions = {}): Promise<Page<XapiRecord>> {
    const page = await this.store.page(filters.rowRange(tenantPartition(tenantId), from, to), options);
    return { items: page.items.map((i) => i.value), continuationToken: page.continuationToken };
  }
}
