import type { KpiValue } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";

/** Called after each batch is stored, so figures kept on write (the KPI's latest values) follow. */
export type AfterKpiWrite = (tenantId: string, kpiId: string, values: readonly KpiValue[]) => Promise<void>;

/**
 * Buffers valid values per KPI (one KPI is one partition) and writes a full transaction's worth at a time,
 * so a 100,000-row file is stored with bounded memory: at most one batch per KPI is held.
 */
export class KpiValueWriter {
  private readonly buffers = new Map<string, KpiValue[]>();
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
    if (buffer.length >= this.batchSize) await this.flushKpi(value.kpiId);
  }

  async flush(): Promise<void> {
    for (const kpiId of [...this.buffers.keys()]) await this.flushKpi(kpiId);
  }

  private async flushKpi(kpiId: string): Promise<void> {
    const values = this.buffers.get(kpiId) ?? [];
    this.buffers.delete(kpiId);
    if (values.length === 0) return;
    await this.storage.kpiValues.upsertMany(this.tenantId, kpiId, values);
    this.written += values.length;
    await this.afterWrite?.(this.tenantId, kpiId, values);
  }
}
