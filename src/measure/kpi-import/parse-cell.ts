/** Which way a file writes local dates: 31/10/2026 (day first) or 10/31/2026 (month first). */
export type DateOrder = "day-first" | "month-first";
export const dateOrders = ["day-first", "month-first"] as const;

/**
 * A number as spreadsheets write it: "12.5", "12,5" (decimal comma), "-3", "1e3". Thousands separators
 * are refused rather than guessed: "1,234" could be 1.234 or 1234 depending on the file's locale.
 */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[-+]?(\d+([.,]\d+)?|[.,]\d+)([eE][-+]?\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed.replace(",", "."));
  return Number.isFinite(value) ? value : undefined;
}

/** A date cell as written: year first (ISO and its kin), or a local date whose order the file decides. */
export type DateCell =
  | { kind: "year-first"; date: string | undefined }
  | { kind: "local"; first: number; second: number; year: number }
  | { kind: "unreadable" };

// A BI tool's export often carries a midnight time ("2026-10-31T00:00:00Z", "10/31/2026 0:00"): the date is
// what was meant. Any other time is refused, as it may fall on another day in another zone.
const MIDNIGHT = String.raw`(?:[T ]0?0:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?`;
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${MIDNIGHT}$`);
const LOCAL = new RegExp(String.raw`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})${MIDNIGHT}$`);

export function readDateCell(text: string): DateCell {
  const trimmed = text.trim();
  const yearFirst = YEAR_FIRST.exec(trimmed);
  if (yearFirst)
    return { kind: "year-first", date: validDate(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3])) };
  const local = LOCAL.exec(trimmed);
  if (local) return { kind: "local", first: Number(local[1]), second: Number(local[2]), year: Number(local[3]) };
  return { kind: "unreadable" };
}

/** "2026-07-01" always; "01/07/2026", "1.7.2026" or "01-07-2026" in the given order. */
export function parseDate(text: string, order: DateOrder | null): string | undefined {
  const cell = readDateCell(text);
  if (cell.kind === "year-first") return cell.date;
  if (cell.kind === "unreadable" || order === null) return undefined;
  return localDate(cell, order);
}

function localDate(cell: { first: number; second: number; year: number }, order: DateOrder): string | undefined {
  return order === "day-first"
    ? validDate(cell.year, cell.second, cell.first)
    : validDate(cell.year, cell.first, cell.second);
}

function validDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

export function dateRule(order: DateOrder | null): string {
  if (order === "day-first") return "must be a date as YYYY-MM-DD or DD/MM/YYYY";
  if (order === "month-first") return "must be a date as YYYY-MM-DD or MM/DD/YYYY";
  return "must be a date as YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY";
}

export interface DateExample {
  row: number;
  text: string;
}

/** The question an admin is asked when a file's dates read both ways, and what each answer would mean. */
export interface DateOrderQuestion {
  id: "dateOrder";
  text: string;
  example: DateExample;
  options: { answer: DateOrder; reads: string }[];
}

/** How a file's local dates are read: the order, and whether the admin said so or the file showed it. */
export interface DatesRead {
  order: DateOrder | null;
  from: "answer" | "file" | "no local dates";
  /** A line whose date can only be read in `order`, when the file decided it. */
  example?: DateExample;
}

/**
 * Decides a file's date order from its own dates, so an admin is asked only when the file cannot tell:
 * a date with a first part over 12 (31/10/2026) is day first, one with a second part over 12 month first.
 * When both kinds appear (a mixed-up file) the more common order is taken and the other lines fail as
 * dates, each reported on its line. 05/05/2026 reads the same both ways and decides nothing.
 */
export class DateOrderDetector {
  private readonly evidence = { "day-first": 0, "month-first": 0 };
  private readonly examples: Partial<Record<DateOrder | "either", DateExample>> = {};
  private local = 0;

  see(text: string, row: number): void {
    const cell = readDateCell(text);
    if (cell.kind !== "local") return;
    this.local++;
    const dayFirst = localDate(cell, "day-first") !== undefined;
    const monthFirst = localDate(cell, "month-first") !== undefined;
    const only: DateOrder | "either" | undefined =
      dayFirst && monthFirst
        ? cell.first === cell.second
          ? undefined
          : "either"
        : dayFirst
          ? "day-first"
          : monthFirst
            ? "month-first"
            : undefined;
    if (only === undefined) return;
    if (only !== "either") this.evidence[only]++;
    this.examples[only] ??= { row, text: text.trim() };
  }

  decide(): DatesRead | { question: DateOrderQuestion } {
    if (this.local === 0) return { order: null, from: "no local dates" };
    const { "day-first": dayFirst, "month-first": monthFirst } = this.evidence;
    if (dayFirst > 0 || monthFirst > 0) {
      const order: DateOrder = monthFirst > dayFirst ? "month-first" : "day-first";
      return { order, from: "file", example: this.examples[order] };
    }
    const example = this.examples.either;
    // Every local date reads the same either way (05/05/2026): the order changes nothing.
    if (!example) return { order: "day-first", from: "file" };
    const cell = readDateCell(example.text) as Extract<DateCell, { kind: "local" }>;
    const words = (order: DateOrder, locale: string) => {
      const iso = localDate(cell, order) ?? "";
      return new Date(`${iso}T00:00:00Z`).toLocaleDateString(locale, { timeZone: "UTC", dateStyle: "long" });
    };
    const options = [
      { answer: "day-first" as const, reads: words("day-first", "en-GB") },
      { answer: "month-first" as const, reads: words("month-first", "en-US") },
    ];
    return {
      question: {
        id: "dateOrder",
        text: `Dates such as ${example.text} (line ${example.row}) read two ways, and no date in the file settles which: which way round are they?`,
        example,
        options,
      },
    };
  }
}
