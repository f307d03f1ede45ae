import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { TooLargeError, ValidationError } from "../../domain/index.js";
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

/** Limits that keep one file from holding the process: time stays linear in the file's size. */
export interface CsvLimits {
  /** Rows after the header; more is a TooLargeError. */
  maxRows?: number;
  /** Bytes of any one line, the header included; a longer one is a ValidationError naming the line. */
  maxLineBytes?: number;
}

/** Far longer than any real row of four columns. */
export const MAX_LINE_BYTES = 64 * 1024;
/** Records read before the event loop gets a turn: other requests wait at most this many rows. */
const YIELD_EVERY = 200;

/**
 * Streams KPI rows from a CSV source without holding the file: only the first line is looked at (to find
 * the separator), then csv-parse reads record by record. UTF-8 with or without BOM. A file that cannot be
 * read as CSV at all (no header, missing columns, an unclosed quote, a line past `maxLineBytes`) is a
 * ValidationError naming the line.
 */
export async function* readKpiCsv(
  source: AsyncIterable<Buffer | string>,
  limits: CsvLimits = {},
): AsyncGenerator<CsvKpiRow> {
  const maxLineBytes = limits.maxLineBytes ?? MAX_LINE_BYTES;
  const maxRows = limits.maxRows ?? Number.POSITIVE_INFINITY;
  const chunks = source[Symbol.asyncIterator]();
  // Only the new chunk is searched for the newline, and only up to the line limit: linear in the file.
  const headChunks: Buffer[] = [];
  let headBytes = 0;
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = Buffer.from(next.value);
    headChunks.push(chunk);
    headBytes += chunk.length;
    if (chunk.includes(0x0a)) break;
    if (headBytes > maxLineBytes)
      throw new ValidationError("CSV file", [
        { field: "header", rule: `must end within the first ${maxLineBytes} bytes (one line per row)` },
      ]);
  }
  const head = Buffer.concat(headChunks);
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
    max_record_size: maxLineBytes,
  });
  // Fed in small slices: the parser works through a slice at a time, so no one chunk holds the event loop.
  const input = Readable.from(
    (async function* () {
      yield* slices(head);
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield* slices(Buffer.from(next.value));
      }
    })(),
  );
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);

  let records = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string | undefined>;
      info: { lines: number; columns: unknown[] | boolean };
    }>) {
      if (++records > maxRows) throw new TooLargeError("(file)", `must have at most ${maxRows} rows`);
      if (records % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
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

const SLICE_BYTES = 16 * 1024;

function* slices(chunk: Buffer): Generator<Buffer> {
  for (let at = 0; at < chunk.length; at += SLICE_BYTES) yield chunk.subarray(at, at + SLICE_BYTES);
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
