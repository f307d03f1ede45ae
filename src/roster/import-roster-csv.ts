import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import {
  type FieldIssue,
  idSchema,
  nameSchema,
  type Person,
  personSchema,
  type Team,
  type TeamInput,
  TooLargeError,
  teamSchema,
  ValidationError,
} from "../domain/index.js";
import { columnName, detectSeparator, firstLineOf, NameIndex, nameKey } from "../file-input/index.js";
import { MAX_LINE_BYTES } from "../measure/kpi-import/read-kpi-csv.js";
import { AlreadyExistsError, ConcurrencyError, type Storage } from "../storage/index.js";

/** One person per row; a team is every row that names it (by id or name), exactly one of them its manager. */
export const rosterColumns = ["team", "team_name", "role", "object_id", "display_name", "time_zone"] as const;
const OPTIONAL_COLUMNS = ["locale"];
/** The report names this many problems (and notes) at most; the rest are counted. */
const MAX_ISSUES = 200;

export interface RosterIssue {
  /** The line in the file (the header is line 1). */
  row: number;
  field: string;
  rule: string;
}

export interface RosterNote {
  row: number;
  note: string;
}

export interface RosterReport {
  rows: number;
  teams: number;
  /** People on valid rows, a repeated row counted once. */
  people: number;
  /** Rows repeating an earlier row of the same team exactly: counted once. */
  duplicates: number;
  issues: RosterIssue[];
  moreIssues: number;
  /** Worth knowing, not wrong: repeats, new teams whose name is close to an existing one. */
  notes: RosterNote[];
  moreNotes: number;
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
 * Reads a roster export (from HR or the directory) as people make it and, in "commit" mode with every row
 * valid, creates each team or replaces its roster: the file is the truth for the teams it names, and teams
 * it does not name are left alone. A team is named by its id or its name (trimmed, any case; a new name
 * becomes a new team), a person by Entra object id or, for someone already on a roster here, by name.
 * A row repeated exactly counts once; rows that disagree about one person are problems on each line. One
 * bad row and nothing is written. The writes are one per team, not one transaction: a storage failure
 * part-way leaves the teams before it written, and running the same file again finishes the job. Rosters
 * are small (a row per person), so the file is read whole.
 */
export async function importRosterCsv(
  storage: Pick<Storage, "teams">,
  tenantId: string,
  text: string,
  options: { mode: "preview" | "commit"; maxRows?: number },
): Promise<RosterReport> {
  const issues: RosterIssue[] = [];
  const notes: RosterNote[] = [];
  const known = await knownTeamsAndPeople(storage, tenantId);
  const { rows, total } = await readRows(text, known, issues, notes, options.maxRows ?? Number.POSITIVE_INFINITY);
  const byTeam = new Map<string, RosterRow[]>();
  for (const row of rows) {
    const list = byTeam.get(row.teamId);
    if (list) list.push(row);
    else byTeam.set(row.teamId, [row]);
  }
  const duplicates = await checkPeople(rows, issues, notes);

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
  notes.sort((a, b) => a.row - b.row);
  const report: RosterReport = {
    rows: total,
    teams: byTeam.size,
    people: rows.filter((r) => !r.repeat).length,
    duplicates,
    issues: issues.slice(0, MAX_ISSUES),
    moreIssues: Math.max(0, issues.length - MAX_ISSUES),
    notes: notes.slice(0, MAX_ISSUES),
    moreNotes: Math.max(0, notes.length - MAX_ISSUES),
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

interface Known {
  teams: NameIndex<{ id: string; name: string }>;
  teamIds: Set<string>;
  people: NameIndex<Person>;
}

/** The tenant's teams, and everyone on their rosters, to find what a file names. */
async function knownTeamsAndPeople(storage: Pick<Storage, "teams">, tenantId: string): Promise<Known> {
  const teams: Team[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await storage.teams.list(tenantId, { pageSize: 1000, continuationToken });
    teams.push(...page.items.map((t) => t.value));
    continuationToken = page.continuationToken;
  } while (continuationToken);
  const people = new Map<string, Person>();
  for (const team of teams) for (const p of [team.manager, ...team.members]) people.set(p.objectId, p);
  return {
    teams: new NameIndex(
      teams.map((t) => ({ id: t.id, name: t.name })),
      (t) => t.id,
      (t) => t.name,
    ),
    teamIds: new Set(teams.map((t) => t.id)),
    people: new NameIndex(
      people.values(),
      (p) => p.objectId,
      (p) => p.displayName,
    ),
  };
}

/** A new team's id from its name ("Renewals North" → "renewals-north"), never one an existing team has. */
function newTeamId(name: string, taken: Set<string>): string {
  const slug =
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 56) || "team";
  let id = slug;
  for (let n = 2; taken.has(id); n++) id = `${slug}-${n}`;
  taken.add(id);
  return id;
}

/** A row with its team and person found; `repeat` counts once, `bad` disagrees with another row. */
type Resolved = RosterRow & { repeat?: boolean; bad?: boolean };

/** Records parsed or checked before the event loop gets a turn: other requests wait at most this many rows. */
const YIELD_EVERY = 50;
const turn = () => new Promise((resolve) => setImmediate(resolve));

function* slices(text: string): Generator<string> {
  for (let at = 0; at < text.length; at += 16 * 1024) yield text.slice(at, at + 16 * 1024);
}

async function readRows(
  text: string,
  known: Known,
  issues: RosterIssue[],
  notes: RosterNote[],
  maxRows: number,
): Promise<{ rows: Resolved[]; total: number }> {
  const firstLine = firstLineOf(text.length > MAX_LINE_BYTES ? text.slice(0, MAX_LINE_BYTES + 1) : text);
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
        header = names.map(columnName);
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
  const missing = ["role", "display_name"].filter((c) => !header.includes(c));
  if (!header.includes("team") && !header.includes("team_name")) missing.unshift("team or team_name");
  if (missing.length > 0)
    throw new ValidationError("roster CSV", [
      {
        field: "header",
        rule: `must have the columns ${rosterColumns.join(", ")} (and optionally ${OPTIONAL_COLUMNS.join(", ")}); a team may be named by team or team_name alone, and object_id and time_zone may be left empty for someone already on a roster here; missing ${missing.join(", ")}`,
      },
    ]);

  // A new team named on several rows (by the same name) is one team with one new id.
  const newTeams = new Map<string, string>();
  const taken = new Set(known.teamIds);
  const rows: Resolved[] = [];
  for (const [index, { record, info }] of records.entries()) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await turn();
    const row = info.lines;
    const problems: FieldIssue[] = [];
    const team = resolveTeam(record.team ?? "", record.team_name ?? "", known, newTeams, taken, row, notes);
    if ("problem" in team) problems.push(team.problem);
    const role = record.role?.toLowerCase();
    if (role !== "manager" && role !== "member") problems.push({ field: "role", rule: "must be manager or member" });
    const person = resolvePerson(record, known);
    if ("problems" in person) problems.push(...person.problems);
    if (problems.length > 0 || "problem" in team || "problems" in person) {
      issues.push(...problems.map((p) => ({ row, ...p })));
      continue;
    }
    rows.push({ row, teamId: team.id, teamName: team.name, role: role as "manager" | "member", person: person.person });
  }
  return { rows, total: records.length };
}

function resolveTeam(
  teamText: string,
  nameText: string,
  known: Known,
  newTeams: Map<string, string>,
  taken: Set<string>,
  row: number,
  notes: RosterNote[],
): { id: string; name: string } | { problem: FieldIssue } {
  const field = teamText ? "team" : "team_name";
  const named = teamText || nameText;
  if (!named) return { problem: { field: "team", rule: "must name the team (its id or its name)" } };
  const found = known.teams.find(named);
  // A team found by its name keeps it ("inside sales NORTH" finds "Inside Sales North" and renames nothing);
  // a team named by id takes the file's team_name, as the file is the truth for the teams it names.
  const byName = "found" in found && !teamText;
  const name = nameSchema.safeParse(byName || !nameText ? ("found" in found ? found.found.name : named) : nameText);
  if (!name.success) return { problem: { field: "team_name", rule: name.error.issues[0]?.message ?? "is invalid" } };
  if ("found" in found) return { id: found.found.id, name: name.data };
  if ("ambiguous" in found)
    return {
      problem: {
        field,
        rule: `"${named}" names ${found.ambiguous.length} teams (${found.ambiguous.map((t) => known.teams.describe(t)).join(", ")}): give the id`,
      },
    };
  const key = nameKey(named);
  let id = newTeams.get(key);
  if (!id) {
    id = teamText && idSchema.safeParse(teamText).success && !taken.has(teamText) ? teamText : newTeamId(named, taken);
    taken.add(id);
    newTeams.set(key, id);
    if (found.suggestion)
      notes.push({
        row,
        note: `"${named}" is a new team${known.teams.hint(found)}`,
      });
  }
  return { id, name: name.data };
}

function resolvePerson(
  record: Record<string, string | undefined>,
  known: Known,
): { person: Person } | { problems: FieldIssue[] } {
  const displayName = record.display_name ?? "";
  let fallback: Person | undefined;
  if (!record.object_id && displayName) {
    const found = known.people.find(displayName);
    if ("ambiguous" in found)
      return {
        problems: [
          {
            field: "object_id",
            rule: `is needed: ${found.ambiguous.length} people here are named "${displayName}"`,
          },
        ],
      };
    if ("missing" in found)
      return {
        problems: [
          {
            field: "object_id",
            rule: `is required: no one named "${displayName}" is on a roster here${known.people.hint(found)}`,
          },
        ],
      };
    fallback = found.found;
  }
  const person = personSchema.safeParse({
    objectId: record.object_id || fallback?.objectId || "",
    displayName,
    timeZone: record.time_zone || fallback?.timeZone || "",
    locale: record.locale || fallback?.locale || undefined,
  });
  if (person.success) return { person: person.data };
  return {
    problems: person.error.issues.map((issue) => ({
      field: personField[String(issue.path[0])] ?? String(issue.path[0]),
      rule: issue.message,
    })),
  };
}

/**
 * One person, one description: a row that repeats an earlier row of the same team exactly is marked a repeat
 * (counted once); rows that give one person (object id) two roles in a team, or different names or time
 * zones anywhere in the file, are problems on each line involved. Returns the number of repeats.
 */
async function checkPeople(rows: Resolved[], issues: RosterIssue[], notes: RosterNote[]): Promise<number> {
  const firstInTeam = new Map<string, Resolved>();
  const firstAnywhere = new Map<string, Resolved>();
  const described = (r: Resolved) => `${r.person.displayName}, ${r.person.timeZone}, ${r.person.locale}`;
  let repeats = 0;
  for (const [index, r] of rows.entries()) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await turn();
    const earlier = firstInTeam.get(`${r.teamId}\u0000${r.person.objectId}`);
    if (earlier) {
      if (earlier.role === r.role && described(earlier) === described(r)) {
        r.repeat = true;
        repeats++;
        notes.push({ row: r.row, note: `repeats line ${earlier.row}: counted once` });
      } else {
        const rule = (other: Resolved) =>
          `lists the same person (${r.person.objectId}) in this team as line ${other.row} does, but as ${other.role} "${described(other)}": keep one row`;
        issues.push({ row: r.row, field: "object_id", rule: rule(earlier) });
        issues.push({ row: earlier.row, field: "object_id", rule: rule(r) });
        r.bad = true;
        earlier.bad = true;
      }
      continue;
    }
    firstInTeam.set(`${r.teamId}\u0000${r.person.objectId}`, r);
    const elsewhere = firstAnywhere.get(r.person.objectId);
    if (elsewhere && described(elsewhere) !== described(r)) {
      r.bad = true;
      issues.push({
        row: r.row,
        field: "display_name",
        rule: `describes the same person (${r.person.objectId}) as "${described(r)}", but line ${elsewhere.row} as "${described(elsewhere)}": one person has one name and time zone`,
      });
    } else firstAnywhere.set(r.person.objectId, r);
  }
  return repeats;
}

/** One team from its rows, or the problems that stop it (reported on the rows they concern). */
function teamOf(tenantId: string, teamId: string, all: readonly Resolved[], issues: RosterIssue[]) {
  // Its rows' disagreements are already reported; judging the team on them would only repeat them.
  if (all.some((r) => r.bad)) return undefined;
  const before = issues.length;
  const rows = all.filter((r) => !r.repeat);
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
    if (nameKey(r.teamName) !== nameKey(first.teamName))
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
