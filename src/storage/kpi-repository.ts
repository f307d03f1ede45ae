import type { TableClient } from "@azure/data-tables";
import { type Kpi, parseKpi } from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions, type Versioned } from "./entity-store.js";
import { keys, tenantPartition } from "./table-keys.js";

export class KpiRepository {
  private readonly store: EntityStore<Kpi>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, { what: "kpi", keyOf: (k) => keys.kpi(k.tenantId, k.id) });
  }

  async get(tenantId: string, kpiId: string): Promise<Versioned<Kpi> | undefined> {
    const { partitionKey, rowKey } = keys.kpi(tenantId, kpiId);
    return this.store.get(partitionKey, rowKey);
  }

  async save(input: unknown, etag?: string): Promise<Versioned<Kpi>> {
    const kpi = parseKpi(input);
    const newEtag = etag ? await this.store.replace(kpi, etag) : await this.store.create(kpi);
    return { value: kpi, etag: newEtag };
  }

  async list(tenantId: string, options: PageOptions = {}): Promise<Page<Versioned<Kpi>>> {
    return this.store.page(filters.partition(tenantPartition(tenantId)), options);
  }
}
