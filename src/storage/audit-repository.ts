import type { TableClient } from "@azure/data-tables";
import { EntityStore, filters, type Page, type PageOptions } from "./entity-store.js";
import { keys, tenantPartition } from "./table-keys.js";

/**
 * Who asked for what, and when: requests for a person's data and exports of personal data. The person asked
 * about is named only by `subjectRef`, a keyed hash of their id: after an erasure no row holds the id, yet
 * whether a given person was erased can still be checked by computing the hash again.
 */
export interface AuditEntry {
  tenantId: string;
  id: string;
  at: string;
  action: "person-export" | "person-erasure" | "xapi-export";
  /** The caller's object id, or "cli:<name>" for the command line. */
  requestedBy: string;
  subjectRef: string | null;
  outcome: "done";
  detail: Record<string, unknown>;
}

/** A tenant's audit entries, newest first. Append-only: nothing updates or deletes them. */
export class AuditRepository {
  private readonly store: EntityStore<AuditEntry>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "audit entry",
      keyOf: (e) => keys.audit(e.tenantId, e.at, e.id),
      columns: (e) => ({ action: e.action }),
    });
  }

  async add(entry: AuditEntry): Promise<void> {
    await this.store.create(entry);
  }

  async list(tenantId: string, options: PageOptions = {}): Promise<Page<AuditEntry>> {
    const page = await this.store.page(filters.partition(tenantPartition(tenantId)), options);
    return { items: page.items.map((v) => v.value), continuationToken: page.continuationToken };
  }
}
