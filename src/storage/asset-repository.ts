import type { TableClient } from "@azure/data-tables";
import { type Asset, parseAsset } from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions, type Versioned } from "./entity-store.js";
import { noPlanChanges, type PlanChanges, tellPlanner } from "./planning-repository.js";
import { keys } from "./table-keys.js";

/** A program's assets share one partition, so the program builder reads them in one query. */
export class AssetRepository {
  private readonly store: EntityStore<Asset>;

  constructor(
    client: TableClient,
    private readonly changes: PlanChanges = noPlanChanges,
  ) {
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
    await tellPlanner(() => this.changes.changed(asset.tenantId, "program", asset.programId));
    return { value: asset, etag: newEtag };
  }

  async list(tenantId: string, programId: string, options: PageOptions = {}): Promise<Page<Versioned<Asset>>> {
    return this.store.page(filters.partition(keys.assetPartition(tenantId, programId)), options);
  }

  async delete(tenantId: string, programId: string, assetId: string): Promise<void> {
    const { partitionKey, rowKey } = keys.asset(tenantId, programId, assetId);
    await this.store.delete(partitionKey, rowKey);
    await tellPlanner(() => this.changes.changed(tenantId, "program", programId));
  }

  /** All of a program's assets (a program has tens, not thousands). */
  async all(tenantId: string, programId: string): Promise<Asset[]> {
    const assets: Asset[] = [];
    for await (const row of this.store.each(filters.partition(keys.assetPartition(tenantId, programId))))
      assets.push(row.value);
    return assets;
  }
}
