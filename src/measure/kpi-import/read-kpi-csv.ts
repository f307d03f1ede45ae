import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { ValidationError } from "../../domain/index.js";
import { columnName, detectSeparator } from "../../file-input/index.js";
import type { RawKpiValue } from "./validate-kpi-value.js";

export const requiredColumns = ["kpi", "team", "date", "value"] as const;

/** A CSV row with its line number in the file (the header is line 1). */
export interface CsvKpiRow {
  row: number;
  raw: RawKpiValue;
  /** Set when the row has a different number of fields than the header. */
  fieldCountProblem?: string;
}

/**
 * Streams KPI rows from a CSV source without holding the file: only the first chunk is looked at (to find
 * the separator), then csv-parse reads record by record. UTF-8 with or without BOM. A file that cannot be
 * read as CSV at all (no header, missing columns, an unclosed quote) is a ValidationError naming the line.
 */
export async function* readKpiCsv(source: AsyncIterable<Buffer | string>): AsyncGenerator<CsvKpiRow> {
  const chunks = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (!head.includes(0x0a)) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, Buffer.from(next.value)]);
  }
  const firstLine =
    head
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)[0] ?? "";
  if (firstLine.trim() === "") throw new ValidationError("CSV file", [{ field: "header", rule: "the file is empty" }]);

  const parser = parse({
    bom: true,
    delimiter: detectSeparator(firstLine),
    columns: (header: string[]) => normaliseHeader(header),
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
  });
  const input = Readable.from(
    (async function* () {
      yield head;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield Buffer.from(next.value);
      }
    })(),
  );
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);

  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string | undefined>;
      info: { lines: number; columns: unknown[] | boolean };
    }>) {
      const fields = Object.keys(record).length;
      const row: CsvKpiRow = {
        row: info.lines,
        raw: { kpi: record.kpi, team: record.team ?? "", date: record.date, value: record.value },
      };
      if (record.kpi === undefined || record.date === undefined || record.value === undefined)
        row.fieldCountProblem = `has ${fields} fields; expected kpi, team, date and value`;
      yield row;
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new ValidationError("CSV file", [{ field: `line ${line ?? "?"}`, rule: error.message }]);
    }
    throw error;
  } finally {
    input.destroy();
  }
}

function normaliseHeader(header: string[]): string[] {
  const names = header.map(columnName);
  const missing = requiredColumns.filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw new ValidationError("CSV file", [
      { field: "header", rule: `must name the columns kpi, team, date, value (missing: ${missing.join(", ")})` },
    ]);
  return names;
}
