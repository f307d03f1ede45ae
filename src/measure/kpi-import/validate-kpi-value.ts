import { checkValueMatchesLevel, type KpiValue, type kpiSources } from "../../domain/index.js";
import type { KpiCatalogue } from "./kpi-catalogue.js";
import { type DateOrder, dateRule, parseDate, parseDecimal } from "./parse-cell.js";

/** A KPI value as it arrives (a CSV row, an API item, a form): text or numbers, not yet trusted. */
export interface RawKpiValue {
  kpi: unknown;
  team: unknown;
  date: unknown;
  value: unknown;
}

/** One broken rule of one input row: `row` is the file's line number (CSV) or the item's index (API). */
export interface RowIssue {
  row: number;
  field: "kpi" | "team" | "date" | "value" | "row";
  rule: string;
}

export type KpiSource = (typeof kpiSources)[number];

export interface ValidateOptions {
  dateOrder: DateOrder;
  source: KpiSource;
  now: Date;
}

/**
 * The one validation every way in uses (CSV, CLI, API, manual entry): the KPI exists in the tenant, the
 * team exists and fits the KPI's level, the date and the number read cleanly.
 */
export function validateKpiValue(
  raw: RawKpiValue,
  row: number,
  catalogue: KpiCatalogue,
  options: ValidateOptions,
): { value: KpiValue } | { issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  const kpiId = text(raw.kpi);
  const teamText = text(raw.team);
  const kpi = catalogue.kpis.get(kpiId);
  if (kpiId === "") issues.push({ row, field: "kpi", rule: "must not be empty" });
  else if (!kpi) issues.push({ row, field: "kpi", rule: `no KPI "${kpiId}" in this tenant` });
  if (teamText !== "" && !catalogue.teamIds.has(teamText))
    issues.push({ row, field: "team", rule: `no team "${teamText}" in this tenant` });

  const date = typeof raw.date === "string" ? parseDate(raw.date, options.dateOrder) : undefined;
  if (date === undefined) issues.push({ row, field: "date", rule: dateRule(options.dateOrder) });

  const number =
    typeof raw.value === "number"
      ? Number.isFinite(raw.value)
        ? raw.value
        : undefined
      : parseDecimal(text(raw.value));
  if (number === undefined)
    issues.push({ row, field: "value", rule: "must be a number such as 31.5 or 31,5 (no thousands separators)" });

  if (issues.length > 0 || !kpi || date === undefined || number === undefined) return { issues };
  const value: KpiValue = {
    tenantId: catalogue.tenantId,
    kpiId: kpi.id,
    teamId: teamText === "" ? null : teamText,
    date,
    value: number,
    source: options.source,
    recordedAt: options.now.toISOString(),
  };
  const levelProblem = checkValueMatchesLevel(kpi, value);
  if (levelProblem) return { issues: [{ row, field: "team", rule: levelProblem }] };
  return { value };
}

function text(input: unknown): string {
  if (input === undefined || input === null) return "";
  return String(input).trim();
}
