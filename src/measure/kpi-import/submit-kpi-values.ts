import type { Storage } from "../../storage/index.js";
import { loadKpiCatalogue } from "./kpi-catalogue.js";
import { type AfterKpiWrite, KpiValueWriter } from "./kpi-value-writer.js";
import { type KpiSource, type RowIssue, validateKpiValue } from "./validate-kpi-value.js";

export interface SubmittedKpiValue {
  kpiId?: unknown;
  teamId?: unknown;
  date?: unknown;
  value?: unknown;
}

export const MAX_SUBMITTED_VALUES = 5000;

/**
 * Values from the API or the tab's manual entry: checked with the same rules as a CSV row (dates ISO only),
 * written all together or not at all. Row numbers in issues are the items' indexes.
 */
export async function submitKpiValues(
  storage: Pick<Storage, "kpis" | "teams" | "kpiValues">,
  tenantId: string,
  items: readonly SubmittedKpiValue[],
  options: { source: KpiSource; now?: Date; afterWrite?: AfterKpiWrite },
): Promise<{ written: number; issues: RowIssue[] }> {
  if (items.length === 0 || items.length > MAX_SUBMITTED_VALUES)
    return { written: 0, issues: [{ row: 0, field: "row", rule: `must send 1 to ${MAX_SUBMITTED_VALUES} values` }] };
  const catalogue = await loadKpiCatalogue(storage, tenantId);
  const validateOptions = { dateOrder: "iso" as const, source: options.source, now: options.now ?? new Date() };
  const results = items.map((item, i) =>
    validateKpiValue(
      { kpi: item?.kpiId, team: item?.teamId ?? "", date: item?.date, value: item?.value },
      i,
      catalogue,
      validateOptions,
    ),
  );
  const issues = results.flatMap((r) => ("issues" in r ? r.issues : []));
  if (issues.length > 0) return { written: 0, issues };
  const writer = new KpiValueWriter(storage, tenantId, options.afterWrite);
  for (const r of results) if ("value" in r) await writer.add(r.value);
  await writer.flush();
  return { written: writer.written, issues: [] };
}
