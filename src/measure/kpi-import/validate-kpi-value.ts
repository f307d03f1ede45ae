import { checkValueMatchesLevel, type KpiValue, type kpiSources } from "../../domain/index.js";
import type { Lookup, NameIndex } from "../../file-input/index.js";
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
  /** How to read local dates (31/10/2026); null reads year-first dates only. */
  dateOrder: DateOrder | null;
  source: KpiSource;
  now: Date;
  /** Files name KPIs and teams by id or by name; an API field called `kpiId` holds an id. */
  match: "id-or-name" | "id";
}

/**
 * The latest date a value may carry now. Today anywhere on Earth (UTC+14): an admin in Auckland entering
 * today's figure in the morning is not refused because it is still yesterday in UTC.
 */
export function latestValueDate(now: Date): string {
  return new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The one validation every way in uses (CSV, CLI, API, manual entry): the KPI and team exist in the
 * tenant (by id, or by name in files) and the team fits the KPI's level, the date and the number read
 * cleanly, and the date is not in the future.
 */
export function validateKpiValue(
  raw: RawKpiValue,
  row: number,
  catalogue: KpiCatalogue,
  options: ValidateOptions,
): { value: KpiValue } | { issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  const kpiText = text(raw.kpi);
  const teamText = text(raw.team);
  const kpi = kpiText === "" ? undefined : lookup(catalogue.kpis, kpiText, options);
  if (kpiText === "") issues.push({ row, field: "kpi", rule: "must not be empty" });
  else if (kpi && !("found" in kpi))
    issues.push({ row, field: "kpi", rule: missRule(catalogue.kpis, "KPI", kpiText, kpi) });
  const team = teamText === "" ? undefined : lookup(catalogue.teams, teamText, options);
  if (team && !("found" in team))
    issues.push({ row, field: "team", rule: missRule(catalogue.teams, "team", teamText, team) });

  const dateText = typeof raw.date === "string" ? raw.date : "";
  const date = parseDate(dateText, options.dateOrder);
  const latest = latestValueDate(options.now);
  if (date === undefined) issues.push({ row, field: "date", rule: dateRule(options.dateOrder) });
  else if (date > latest)
    issues.push({ row, field: "date", rule: `is after today (${latest}): values dated in the future are refused` });

  const number =
    typeof raw.value === "number"
      ? Number.isFinite(raw.value)
        ? raw.value
        : undefined
      : parseDecimal(text(raw.value));
  if (number === undefined)
    issues.push({ row, field: "value", rule: "must be a number such as 31.5 or 31,5 (no thousands separators)" });

  if (issues.length > 0 || !kpi || !("found" in kpi) || date === undefined || number === undefined) return { issues };
  const value: KpiValue = {
    tenantId: catalogue.tenantId,
    kpiId: kpi.found.id,
    teamId: team && "found" in team ? team.found.id : null,
    date,
    value: number,
    source: options.source,
    recordedAt: options.now.toISOString(),
  };
  const levelProblem = checkValueMatchesLevel(kpi.found, value);
  if (levelProblem) return { issues: [{ row, field: "team", rule: levelProblem }] };
  return { value };
}

function lookup<T>(index: NameIndex<T>, text: string, options: ValidateOptions): Lookup<T> {
  return options.match === "id" ? index.byExactId(text) : index.find(text);
}

function missRule<T>(index: NameIndex<T>, what: string, text: string, lookup: Lookup<T>): string {
  if ("ambiguous" in lookup)
    return `"${text}" names ${lookup.ambiguous.length} ${what}s (${lookup.ambiguous.map((i) => index.describe(i)).join(", ")}): give the id`;
  return `no ${what} "${text}" in this tenant${index.hint(lookup)}`;
}

function text(input: unknown): string {
  if (input === undefined || input === null) return "";
  return String(input).trim();
}
