/** How to read dates that are not ISO: a file states its order, we never guess it. */
export type DateOrder = "iso" | "day-first" | "month-first";

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

/** "2026-07-01" always; "01/07/2026", "1.7.2026" or "01-07-2026" when the order is stated. */
export function parseDate(text: string, order: DateOrder): string | undefined {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  if (order === "iso") return undefined;
  const local = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(trimmed);
  if (!local) return undefined;
  const [first, second, year] = [Number(local[1]), Number(local[2]), Number(local[3])];
  return order === "day-first" ? validDate(year, second, first) : validDate(year, first, second);
}

function validDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

export function dateRule(order: DateOrder): string {
  if (order === "day-first") return "must be a date as YYYY-MM-DD or DD/MM/YYYY";
  if (order === "month-first") return "must be a date as YYYY-MM-DD or MM/DD/YYYY";
  return "must be a date as YYYY-MM-DD (state the day/month order to use other formats)";
}
