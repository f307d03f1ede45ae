import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import {
  type FieldIssue,
  idSchema,
  nameSchema,
  type Person,
  personSchema,
  type TeamInput,
  TooLargeError,
  teamSchema,
  ValidationError,
} from "../domain/index.js";
import { detectSeparator, MAX_LINE_BYTES } from "../measure/kpi-import/read-kpi-csv.js";
import { AlreadyExistsError, ConcurrencyError, type Storage } from "../storage/index.js";

/** One person per row; a team is every row with its id, exactly one of them its manager. */
export const rosterColumns = ["team", "team_name", "role", "object_id", "display_name", "time_zone"] as const;
const OPTIONAL_COLUMNS = ["locale"];
/** The report names this many problems at most; the rest are counted. */
const MAX_ISSUES = 200;

export interface RosterIssue {
  /** The line in the file (the header is line 1). */
  row: number;
  field: string;
  rule: string;
}

export interface RosterReport {
  rows: number;
  teams: number;
  /** People on valid rows. */
  people: number;
  issues: RosterIssue[];
  moreIssues: number;
  /** Teams written: new ones and ones whose roster was replaced. Nothing is written when any row is bad. */
  created: number;
  replaced: number;
}

interface RosterRow {
  row: number;
  teamId: string;
  teamName: string;
  role: "manager" | "member";
  person: Person;
}

const personField: Record<string, string> = {
  objectId: "object_id",
  displayName: "display_name",
  timeZone: "time_zone",
  locale: "locale",
};

/**
 * Reads a roster export (from HR or the directory) and, in "commit" mode with every row valid, creates each
 * team or replaces its roster: the file is the truth for the teams it names, and teams it does not name are
 * left alone. One bad row and nothing is written, and the report names every problem by line. The writes
 * themselves are one per team, not one transaction: a storage failure part-way leaves the teams before it
 * written, and running the same file again finishes the job (each write replaces a roster with the file's).
 * Rosters are small (a row per person), so the file is read whole.
 */
export async function importRosterCsv(
  storage: Pick<Storage, "teams">,
  tenantId: string,
  text: string,
  options: { mode: "preview" | "commit"; maxRows?: number },
): Promise<RosterReport> {
  const issues: RosterIssue[] = [];
  const { rows, total } = await readRows(text, issues, options.maxRows ?? Number.POSITIVE_INFINITY);
  const byTeam = new Map<string, RosterRow[]>();
  for (const row of rows) {
    const list = byTeam.get(row.teamId);
    if (list) list.push(row);
    else byTeam.set(row.teamId, [row]);
  }

  const teams: TeamInput[] = [];
  let checked = 0;
  for (const [teamId, list] of byTeam) {
    checked += list.length;
    if (checked >= YIELD_EVERY) {
      checked = 0;
      await turn();
    }
    const team = teamOf(tenantId, teamId, list, issues);
    if (team) teams.push(team);
  }
  issues.sort((a, b) => a.row - b.row);
  const report: RosterReport = {
    rows: total,
    teams: byTeam.size,
    people: rows.length,
    issues: issues.slice(0, MAX_ISSUES),
    moreIssues: Math.max(0, issues.length - MAX_ISSUES),
    created: 0,
    replaced: 0,
  };
  if (options.mode !== "commit" || issues.length > 0) return report;
  for (const team of teams) {
    const replaced = await saveRoster(storage, team);
    if (replaced) report.replaced++;
    else report.created++;
  }
  return report;
}

/**
 * Creates the team, or replaces it over the etag just read. Someone else creating or saving it in between
 * (an admin's edit, another import) makes it read again and retry: the file's roster is the one wanted.
 */
async function saveRoster(storage: Pick<Storage, "teams">, team: TeamInput): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const existing = await storage.teams.get(team.tenantId, team.id);
    try {
      await storage.teams.save(team, existing?.etag);
      return existing !== undefined;
    } catch (error) {
      const raced = error instanceof ConcurrencyError || error instanceof AlreadyExistsError;
      if (!raced || attempt >= 2) throw error;
    }
  }
}

/** Records parsed or checked before the event loop gets a turn: other requests wait at most this many rows. */
const YIELD_EVERY = 200;
const turn = () => new Promise((resolve) => setImmediate(resolve));

async function readRows(
  text: string,
  issues: RosterIssue[],
  maxRows: number,
): Promise<{ rows: RosterRow[]; total: number }> {
  const newline = text.indexOf("\n");
  const firstLine = (newline === -1 ? text : text.slice(0, newline)).replace(/^\uFEFF/, "").replace(/\r$/, "");
  if (firstLine.trim() === "")
    throw new ValidationError("roster CSV", [{ field: "header", rule: "the file is empty" }]);
  if (firstLine.length > MAX_LINE_BYTES)
    throw new ValidationError("roster CSV", [
      { field: "header", rule: `must end within the first ${MAX_LINE_BYTES} characters (one line per row)` },
    ]);
  const records: { record: Record<string, string | undefined>; info: { lines: number } }[] = [];
  let header: string[] = [];
  try {
    // Streamed in slices, with a turn for other requests every few hundred records: a large roster must not
    // hold the process while it is parsed.
    const parser = parse({
      bom: true,
      delimiter: detectSeparator(firstLine),
      columns: (names: string[]) => {
        header = names.map((h) => h.trim().toLowerCase().replace(/\s+/g, "_"));
        return header;
      },
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      max_record_size: MAX_LINE_BYTES,
    });
    Readable.from(slices(text)).pipe(parser);
    for await (const record of parser) {
      records.push(record);
      if (records.length > maxRows) throw new TooLargeError("(file)", `must have at most ${maxRows} rows`);
      if (records.length % YIELD_EVERY === 0) await turn();
    }
  } catch (error) {
    if (error instanceof CsvError)
      throw new ValidationError("roster CSV", [
        { field: `line ${(error as CsvError & { lines?: number }).lines ?? "?"}`, rule: error.message },
      ]);
    throw error;
  }
  // From the header line itself: a short first row (relax_column_count) must not look like a short header.
  const missing = rosterColumns.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new ValidationError("roster CSV", [
      {
        field: "header",
        rule: `must have the columns ${rosterColumns.join(", ")} (and optionally ${OPTIONAL_COLUMNS.join(", ")}); missing ${missing.join(", ")}`,
      },
    ]);
  const rows: RosterRow[] = [];
  for (const [index, { record, info }] of records.entries()) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await turn();
    const row = info.lines;
    const problems: FieldIssue[] = [];
    const teamId = idSchema.safeParse(record.team ?? "");
    if (!teamId.success) problems.push({ field: "team", rule: teamId.error.issues[0]?.message ?? "is invalid" });
    const teamName = nameSchema.safeParse(record.team_name ?? "");
    if (!teamName.success)
      problems.push({ field: "team_name", rule: teamName.error.issues[0]?.message ?? "is invalid" });
    const role = record.role?.toLowerCase();
    if (role !== "manager" && role !== "member") problems.push({ field: "role", rule: "must be manager or member" });
    const person = personSchema.safeParse({
      objectId: record.object_id ?? "",
      displayName: record.display_name ?? "",
      timeZone: record.time_zone ?? "",
      locale: record.locale || undefined,
    });
    if (!person.success)
      for (const issue of person.error.issues)
        problems.push({ field: personField[String(issue.path[0])] ?? String(issue.path[0]), rule: issue.message });
    if (problems.length > 0 || !teamId.success || !teamName.success || !person.success) {
      issues.push(...problems.map((p) => ({ row, ...p })));
      continue;
    }
    rows.push({
      row,
      teamId: teamId.data,
      teamName: teamName.data,
      role: role as "manager" | "member",
      person: person.data,
    });
  }
  return { rows, total: records.length };
}

function* slices(text: string): Generator<string> {
  for (let at = 0; at < text.length; at += 64 * 1024) yield text.slice(at, at + 64 * 1024);
}

/** One team from its rows, or the problems that stop it (reported on the rows they concern). */
function teamOf(tenantId: string, teamId: string, rows: readonly RosterRow[], issues: RosterIssue[]) {
  const before = issues.length;
  const managers = rows.filter((r) => r.role === "manager");
  const first = rows[0];
  if (!first) return undefined;
  if (managers.length === 0)
    issues.push({ row: first.row, field: "role", rule: `team "${teamId}" has no manager row` });
  for (const extra of managers.slice(1))
    issues.push({
      row: extra.row,
      field: "role",
      rule: `team "${teamId}" already has a manager on line ${managers[0]?.row}`,
    });
  for (const r of rows)
    if (r.teamName !== first.teamName)
      issues.push({ row: r.row, field: "team_name", rule: `differs from line ${first.row} ("${first.teamName}")` });
  const manager = managers[0];
  if (!manager || issues.length > before) return undefined;
  const members = rows.filter((r) => r.role === "member");
  const team: TeamInput = {
    id: teamId,
    tenantId,
    name: first.teamName,
    manager: manager.person,
    members: members.map((m) => m.person),
  };
  const checked = teamSchema.safeParse(team);
  if (checked.success) return team;
  for (const issue of checked.error.issues) {
    // members.N.objectId → that member's row; anything else → the manager's row.
    const at = issue.path[0] === "members" && typeof issue.path[1] === "number" ? members[issue.path[1]] : manager;
    issues.push({ row: at?.row ?? first.row, field: "object_id", rule: issue.message });
  }
  return undefined;
}
