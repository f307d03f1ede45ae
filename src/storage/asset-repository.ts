import type { TableClient } from "@azure/data-tables";
import { type Asset, parseAsset } from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions, type Versioned } from "./entity-store.js";
import { keys } from "./table-keys.js";

/** A program's assets share one partition, so the program builder reads them in one query. */
export class AssetRepository {
  private readonly store: EntityStore<Asset>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "asset",
      keyOf: (a) => keys.asset(a.tenantId, a.programId, a.id),
      columns: (a) => ({ kind: a.kind }),
    });
  }

  async get(tenantId: string, programId: string, assetId: string): Promise<Versioned<Asset> | undefined> {
    const { partitionKey, rowKey } = keys.asset(tenantId, programId, assetId);
    return this.store.get(partitionKey, rowKey);
  }

  async save(input: unknown, etag?: string): Promise<Versioned<Asset>> {
    const asset = parseAsset(input);
    const newEtag = etag ? await this.store.replace(asset, etag) : await this.store.create(asset);
    return { value: asset, etag: newEtag };
  }

  async list(tenantId: string, programId: string, options: PageOptions = {}): Promise<Page<Versioned<Asset>>> {
    return this.store.page(filters.partition(keys.assetPartition(tenantId, programId)), options);
  }

  async delete(tenantId: string, programId: string, assetId: string): Promise<void> {
    const { partitionKey, rowKey } = keys.asset(tenantId, programId, assetId);
    await this.store.delete(partitionKey, rowKey);
  }

  /** All of a program's assets (a program has tens, not thousands). */
  async all(tenantId: string, programId: string): Promise<Asset[]> {
    const assets: Asset[] = [];
    for await (const row of this.store.each(filters.partition(keys.assetPartition(tenantId, programId))))
      assets.push(row.value);
    return assets;
  }
}
