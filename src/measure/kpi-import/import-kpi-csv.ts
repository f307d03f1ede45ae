import type { Storage } from "../../storage/index.js";
import { loadKpiCatalogue } from "./kpi-catalogue.js";
import { type AfterKpiWrite, KpiValueWriter } from "./kpi-value-writer.js";
import type { DateOrder } from "./parse-cell.js";
import { readKpiCsv } from "./read-kpi-csv.js";
import { type RowIssue, validateKpiValue } from "./validate-kpi-value.js";

export interface KpiImportOptions {
  dateOrder?: DateOrder;
  /**
   * preview: read and check, write nothing. commit: write only if every row is valid.
   * commit-valid: the admin accepted the valid rows: write them, skip the rest.
   */
  mode: "preview" | "commit" | "commit-valid";
  now?: Date;
  /** Called every `progressEvery` rows, for a progress display. */
  onProgress?: (rowsRead: number) => void;
  progressEvery?: number;
  afterWrite?: AfterKpiWrite;
  /** The report lists at most this many issues (the counts stay exact). */
  maxIssues?: number;
  /** More rows than this is a TooLargeError, before anything is written (MAX_CSV_ROWS). */
  maxRows?: number;
}

export interface KpiImportReport {
  rows: number;
  validRows: number;
  invalidRows: number;
  issues: RowIssue[];
  /** Issues beyond `maxIssues` are counted here, not listed. */
  moreIssues: number;
  written: number;
}

/**
 * Imports a CSV of KPI values for one tenant. `open` opens the file afresh: a commit reads it twice (check,
 * then write) so nothing is written when a row is bad (strict) or the file cannot be read to its end (both),
 * without holding the file in memory.
 */
export async function importKpiCsv(
  storage: Pick<Storage, "kpis" | "teams" | "kpiValues">,
  tenantId: string,
  open: () => AsyncIterable<Buffer | string>,
  options: KpiImportOptions,
): Promise<KpiImportReport> {
  const catalogue = await loadKpiCatalogue(storage, tenantId);
  const validateOptions = {
    dateOrder: options.dateOrder ?? "iso",
    source: "csv" as const,
    now: options.now ?? new Date(),
  };
  const maxIssues = options.maxIssues ?? 1000;

  const pass = async (writer?: KpiValueWriter): Promise<KpiImportReport> => {
    const report: KpiImportReport = { rows: 0, validRows: 0, invalidRows: 0, issues: [], moreIssues: 0, written: 0 };
    for await (const row of readKpiCsv(open(), { maxRows: options.maxRows })) {
      report.rows++;
      if (options.onProgress && report.rows % (options.progressEvery ?? 1000) === 0) options.onProgress(report.rows);
      const result = row.fieldCountProblem
        ? { issues: [{ row: row.row, field: "row" as const, rule: row.fieldCountProblem }] }
        : validateKpiValue(row.raw, row.row, catalogue, validateOptions);
      if ("issues" in result) {
        report.invalidRows++;
        for (const issue of result.issues) {
          if (report.issues.length < maxIssues) report.issues.push(issue);
          else report.moreIssues++;
        }
        continue;
      }
      report.validRows++;
      await writer?.add(result.value);
    }
    await writer?.flush();
    report.written = writer?.written ?? 0;
    options.onProgress?.(report.rows);
    return report;
  };

  const newWriter = () => new KpiValueWriter(storage, tenantId, options.afterWrite);
  if (options.mode === "preview") return pass();
  // Every mode that writes reads the whole file first: a file that breaks off part-way (an unclosed quote
  // on a later line) throws while being read, and must do so before anything is written.
  const checked = await pass();
  if (options.mode === "commit-valid") return checked.validRows === 0 ? checked : pass(newWriter());
  if (checked.invalidRows > 0 || checked.validRows === 0) return checked;
  return pass(newWriter());
}
