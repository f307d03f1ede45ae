import type { TableClient } from "@azure/data-tables";
import { type KpiValue, parseKpiValue, ValidationError } from "../domain/index.js";
import { EntityStore, filters, type Page, type PageOptions, TableTransaction } from "./entity-store.js";
import { keys, kpiValueSeriesPrefix, prefixEnd } from "./table-keys.js";

/** Dated KPI values. A value is identified by (KPI, team, date): sending it again replaces it. */
export class KpiValueRepository {
  private readonly store: EntityStore<KpiValue>;

  constructor(client: TableClient) {
    this.store = new EntityStore(client, {
      what: "kpi value",
      keyOf: (v) => keys.kpiValue(v.tenantId, v.kpiId, v.teamId, v.date),
    });
  }

  /**
   * Writes values of one KPI, 100 to a transaction (one KPI is one partition). Every value is validated
   * before anything is written, so a bad value leaves the store untouched.
   */
  async upsertMany(tenantId: string, kpiId: string, inputs: readonly unknown[]): Promise<number> {
    const values = inputs.map((input, i) => {
      const value = parseKpiValue(input);
      if (value.tenantId !== tenantId.toLowerCase() || value.kpiId !== kpiId) {
        throw new ValidationError("kpi value", [
          { field: `[${i}]`, rule: `must belong to kpi ${kpiId} of this tenant` },
        ]);
      }
      return value;
    });
    // Within one transaction a row may appear once; the last value for a (team, date) wins, as on re-send.
    const unique = new Map(values.map((v) => [`${v.teamId}|${v.date}`, v]));
    const batch = [...unique.values()];
    for (let i = 0; i < batch.length; i += 100) {
      const transaction = new TableTransaction();
      for (const value of batch.slice(i, i + 100)) transaction.upsertEntity(this.store.entity(value), "Replace");
      await this.store.submit(transaction);
    }
    return batch.length;
  }

  /** One team's series (or the organisation's, teamId null) in date order, optionally from/to a date. */
  async series(
    tenantId: string,
    kpiId: string,
    teamId: string | null,
    options: PageOptions & { from?: string; to?: string } = {},
  ): Promise<Page<KpiValue>> {
    const prefix = kpiValueSeriesPrefix(teamId);
    const from = options.from ? `${prefix}${options.from}` : prefix;
    const to = options.to ? `${prefix}${options.to}~` : prefixEnd(prefix);
    const page = await this.store.page(filters.rowRange(keys.kpiValuePartition(tenantId, kpiId), from, to), options);
    return { items: page.items.map((v) => v.value), continuationToken: page.continuationToken };
  }

  /** Every value of a KPI across teams, page by page. */
  async list(tenantId: string, kpiId: string, options: PageOptions = {}): Promise<Page<KpiValue>> {
    const page = await this.store.page(filters.partition(keys.kpiValuePartition(tenantId, kpiId)), options);
    return { items: page.items.map((v) => v.value), continuationToken: page.continuationToken };
  }
}
