import type { KpiValue } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";

/** Called after values are stored, so figures kept on write (the KPI's series and latest values) follow. */
export type AfterKpiWrite = (tenantId: string, kpiId: string, values: readonly KpiValue[]) => Promise<void>;

/** Values stored but not yet passed to afterWrite, per KPI, before the rollups are brought up to date. */
const AFTER_WRITE_EVERY = 10_000;

/**
 * Buffers valid values per KPI (one KPI is one partition) and writes a full transaction's worth at a time,
 * so a 100,000-row file is stored with bounded memory. The rollups are updated every 10,000 stored values of
 * a KPI rather than every 100: a file ordered by date touches every team's series row in each batch, and
 * one update per row per 10,000 values is a hundred times fewer than one per transaction.
 */
export class KpiValueWriter {
  private readonly buffers = new Map<string, KpiValue[]>();
  private readonly stored = new Map<string, KpiValue[]>();
  written = 0;

  constructor(
    private readonly storage: Pick<Storage, "kpiValues">,
    private readonly tenantId: string,
    private readonly afterWrite?: AfterKpiWrite,
    private readonly batchSize = 100,
  ) {}

  async add(value: KpiValue): Promise<void> {
    const buffer = this.buffers.get(value.kpiId) ?? [];
    buffer.push(value);
    this.buffers.set(value.kpiId, buffer);
    if (buffer.length >= this.batchSize) await this.flushKpi(value.kpiId, false);
  }

  async flush(): Promise<void> {
    for (const kpiId of new Set([...this.buffers.keys(), ...this.stored.keys()])) await this.flushKpi(kpiId, true);
  }

  private async flushKpi(kpiId: string, all: boolean): Promise<void> {
    const values = this.buffers.get(kpiId) ?? [];
    this.buffers.delete(kpiId);
    if (values.length > 0) {
      this.written += await this.storage.kpiValues.upsertMany(this.tenantId, kpiId, values);
    }
    if (!this.afterWrite) return;
    const stored = [...(this.stored.get(kpiId) ?? []), ...values];
    this.stored.delete(kpiId);
    if (all || stored.length >= AFTER_WRITE_EVERY) {
      if (stored.length > 0) await this.afterWrite(this.tenantId, kpiId, stored);
    } else this.stored.set(kpiId, stored);
  }
}
