import type { TableClient } from "@azure/data-tables";
import { EntityStore, filters, type Page, type PageOptions, type Versioned } from "./entity-store.js";
import { keys, tenantPartition } from "./table-keys.js";

/** An API key as stored: never the secret itself, only a salted, peppered hash of it. */
export interface ApiKeyRecord {
  tenantId: string;
  keyId: string;
  name: string;
  salt: string;
  hash: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

/** Per-tenant API keys for BI pipelines. */
export class ApiKeyRepository {
  private readonly store: EntityStore<ApiKeyRecord>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "api key",
      keyOf: (k) => keys.apiKey(k.tenantId, k.keyId),
      columns: (k) => ({ revoked: k.revokedAt !== null }),
    });
  }

  async get(tenantId: string, keyId: string): Promise<Versioned<ApiKeyRecord> | undefined> {
    const { partitionKey, rowKey } = keys.apiKey(tenantId, keyId);
    return this.store.get(partitionKey, rowKey);
  }

  async create(record: ApiKeyRecord): Promise<void> {
    await this.store.create(record);
  }

  async replace(record: ApiKeyRecord, etag: string): Promise<void> {
    await this.store.replace(record, etag);
  }

  async list(tenantId: string, options: PageOptions = {}): Promise<Page<Versioned<ApiKeyRecord>>> {
    return this.store.page(filters.partition(tenantPartition(tenantId)), options);
  }
}
