import type { Storage } from "../../storage/index.js";
import { loadKpiCatalogue } from "./kpi-catalogue.js";
import { KpiValueSet, type RowNote } from "./kpi-value-set.js";
import { type AfterKpiWrite, KpiValueWriter } from "./kpi-value-writer.js";
import { type DateOrder, DateOrderDetector, type DateOrderQuestion, type DatesRead } from "./parse-cell.js";
import { readKpiCsv } from "./read-kpi-csv.js";
import { type RowIssue, validateKpiValue } from "./validate-kpi-value.js";

export interface KpiImportOptions {
  /**
   * preview: read and check, write nothing. commit: write only if every row is valid.
   * commit-valid: the admin accepted the valid rows: write them, skip the rest.
   */
  mode: "preview" | "commit" | "commit-valid";
  /** The admin's answer to "which way round are the dates?"; without it the file decides, or asks. */
  dateOrder?: DateOrder;
  /** The admin's answer to "replace stored values that differ?"; without it such rows are problems. */
  replace?: boolean;
  now?: Date;
  /** Called every `progressEvery` rows, for a progress display. */
  onProgress?: (rowsRead: number) => void;
  progressEvery?: number;
  afterWrite?: AfterKpiWrite;
  /** The report lists at most this many issues and notes (the counts stay exact). */
  maxIssues?: number;
  /** More rows than this is a TooLargeError, before anything is written (MAX_CSV_ROWS). */
  maxRows?: number;
}

export interface KpiImportReport {
  rows: number;
  /** validRows = toWrite + unchanged + duplicates; invalidRows are listed in issues. */
  validRows: number;
  invalidRows: number;
  /** Distinct values the import stores (new ones, and replaced ones when asked). */
  toWrite: number;
  /** Values stored by this request: toWrite after a commit, else 0. */
  written: number;
  replaced: number;
  unchanged: number;
  duplicates: number;
  /** Values that differ from a stored value: problems, or replaced when `replace` was answered. */
  storedConflicts: number;
  issues: RowIssue[];
  /** Issues beyond `maxIssues` are counted here, not listed. */
  moreIssues: number;
  /** Valid rows worth knowing about: repeats, values already stored, values replaced. */
  notes: RowNote[];
  moreNotes: number;
  /** How the file's local dates were read; null while the question is open. */
  dates: DatesRead | null;
  /** Set when the dates read both ways and the admin must answer; nothing else is checked until then. */
  question: DateOrderQuestion | null;
  /** Values dated after today are problems on their row, never stored. */
  futureDates: "refused";
}

const byRow = <T extends { row: number }>(a: T, b: T) => a.row - b.row;

/**
 * Imports a CSV of KPI values for one tenant, as people export it: KPIs and teams by id or name, the date
 * order read off the file, repeats and conflicts (within the file and with stored values) reported on their
 * rows. `open` opens the file afresh for each pass (at most two: dates, then rows) so the file is streamed,
 * never held; what is held is one entry per distinct value. Nothing is written until the whole file has been
 * read and checked: a strict commit writes only a clean file; commit-valid writes the valid rows.
 */
export async function importKpiCsv(
  storage: Pick<Storage, "kpis" | "teams" | "kpiValues">,
  tenantId: string,
  open: () => AsyncIterable<Buffer | string>,
  options: KpiImportOptions,
): Promise<KpiImportReport> {
  const catalogue = await loadKpiCatalogue(storage, tenantId);
  const now = options.now ?? new Date();
  const maxIssues = options.maxIssues ?? 1000;
  const report: KpiImportReport = {
    rows: 0,
    validRows: 0,
    invalidRows: 0,
    toWrite: 0,
    written: 0,
    replaced: 0,
    unchanged: 0,
    duplicates: 0,
    storedConflicts: 0,
    issues: [],
    moreIssues: 0,
    notes: [],
    moreNotes: 0,
    dates: null,
    question: null,
    futureDates: "refused",
  };

  let dates: DatesRead;
  if (options.dateOrder) dates = { order: options.dateOrder, from: "answer" };
  else {
    const detector = new DateOrderDetector();
    for await (const row of readKpiCsv(open(), { maxRows: options.maxRows })) {
      report.rows++;
      if (typeof row.raw.date === "string") detector.see(row.raw.date, row.row);
    }
    const decided = detector.decide();
    if ("question" in decided) return { ...report, question: decided.question };
    dates = decided;
  }
  report.dates = dates;

  const values = new KpiValueSet();
  const rowIssues: RowIssue[] = [];
  let rowIssueCount = 0;
  let rows = 0;
  for await (const row of readKpiCsv(open(), { maxRows: options.maxRows })) {
    rows++;
    if (options.onProgress && rows % (options.progressEvery ?? 1000) === 0) options.onProgress(rows);
    const result = row.fieldCountProblem
      ? { issues: [{ row: row.row, field: "row" as const, rule: row.fieldCountProblem }] }
      : validateKpiValue(row.raw, row.row, catalogue, {
          dateOrder: dates.order,
          source: "csv",
          now,
          match: "id-or-name",
        });
    if ("issues" in result) {
      report.invalidRows++;
      rowIssueCount += result.issues.length;
      for (const issue of result.issues) if (rowIssues.length < maxIssues) rowIssues.push(issue);
      continue;
    }
    values.add(result.value, row.row);
  }
  options.onProgress?.(rows);
  report.rows = rows;

  await values.compareWithStored(storage, tenantId);
  const outcome = await values.outcome({
    replace: options.replace ?? false,
    label: (r) => `line ${r}`,
    limit: maxIssues,
  });
  report.invalidRows += outcome.conflictRows;
  report.validRows = rows - report.invalidRows;
  Object.assign(report, {
    toWrite: outcome.toWrite.length,
    replaced: outcome.replaced,
    unchanged: outcome.unchanged,
    duplicates: outcome.duplicates,
    storedConflicts: outcome.storedConflicts,
  });
  report.issues = [...rowIssues, ...outcome.issues].sort(byRow).slice(0, maxIssues);
  report.moreIssues = rowIssueCount + outcome.issueCount - report.issues.length;
  report.notes = outcome.notes.sort(byRow);
  report.moreNotes = outcome.noteCount - report.notes.length;

  if (options.mode === "preview" || outcome.toWrite.length === 0) return report;
  if (options.mode === "commit" && report.invalidRows > 0) return report;
  const writer = new KpiValueWriter(storage, tenantId, options.afterWrite);
  for (const value of outcome.toWrite) await writer.add(value);
  await writer.flush();
  report.written = writer.written;
  return report;
}
