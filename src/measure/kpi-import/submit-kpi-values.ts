import type { Storage } from "../../storage/index.js";
import { loadKpiCatalogue } from "./kpi-catalogue.js";
import { KpiValueSet } from "./kpi-value-set.js";
import { type AfterKpiWrite, KpiValueWriter } from "./kpi-value-writer.js";
import { type KpiSource, type RowIssue, validateKpiValue } from "./validate-kpi-value.js";

export interface SubmittedKpiValue {
  kpiId?: unknown;
  teamId?: unknown;
  date?: unknown;
  value?: unknown;
}

export const MAX_SUBMITTED_VALUES = 5000;

export interface SubmitReport {
  /** Values stored: new ones and ones that replaced a different stored value. */
  written: number;
  replaced: number;
  /** Values already stored as sent: nothing to write. */
  unchanged: number;
  /** Items repeating an earlier item exactly: counted once. */
  duplicates: number;
  issues: RowIssue[];
}

/**
 * Values from the API or the tab's manual entry: checked with the same rules as a CSV row (ids, ISO dates,
 * nothing after today), written all together or not at all. Sending a value again for a (KPI, team, date)
 * replaces the stored one — that is how a pipeline corrects a figure — but two different values for one
 * (KPI, team, date) in the same request are a problem naming both items. Row numbers are item indexes.
 */
export async function submitKpiValues(
  storage: Pick<Storage, "kpis" | "teams" | "kpiValues">,
  tenantId: string,
  items: readonly SubmittedKpiValue[],
  options: { source: KpiSource; now?: Date; afterWrite?: AfterKpiWrite },
): Promise<SubmitReport> {
  const none = { written: 0, replaced: 0, unchanged: 0, duplicates: 0 };
  if (items.length === 0 || items.length > MAX_SUBMITTED_VALUES)
    return { ...none, issues: [{ row: 0, field: "row", rule: `must send 1 to ${MAX_SUBMITTED_VALUES} values` }] };
  const catalogue = await loadKpiCatalogue(storage, tenantId);
  const validateOptions = {
    dateOrder: null,
    source: options.source,
    now: options.now ?? new Date(),
    match: "id" as const,
  };
  const values = new KpiValueSet();
  const issues: RowIssue[] = [];
  items.forEach((item, i) => {
    const result = validateKpiValue(
      { kpi: item?.kpiId, team: item?.teamId ?? "", date: item?.date, value: item?.value },
      i,
      catalogue,
      validateOptions,
    );
    if ("issues" in result) issues.push(...result.issues);
    else values.add(result.value, i);
  });
  await values.compareWithStored(storage, tenantId);
  const outcome = await values.outcome({ replace: true, label: (i) => `item ${i}`, limit: MAX_SUBMITTED_VALUES });
  issues.push(...outcome.issues);
  if (issues.length > 0) return { ...none, issues: issues.sort((a, b) => a.row - b.row) };
  const writer = new KpiValueWriter(storage, tenantId, options.afterWrite);
  for (const value of outcome.toWrite) await writer.add(value);
  await writer.flush();
  return {
    written: writer.written,
    replaced: outcome.replaced,
    unchanged: outcome.unchanged,
    duplicates: outcome.duplicates,
    issues: [],
  };
}
