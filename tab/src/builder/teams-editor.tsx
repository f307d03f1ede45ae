import {
  Button,
  Input,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from "@fluentui/react-components";
import { useState } from "react";
import type { ProgramTeam } from "../../../src/domain/program.js";
import type { TeamSummary } from "../api/index.js";
import { useLayout } from "../layout.js";
import { Empty } from "../states.js";

/** Rows shown before "Show more": a tenant can have thousands of teams. */
const PAGE = 50;

/** The tenant's teams, the program's own first, each with its role in the program; filtered and paged visibly. */
export function TeamsEditor({
  teams,
  chosen,
  change,
}: {
  teams: TeamSummary[];
  chosen: ProgramTeam[];
  change: (chosen: ProgramTeam[]) => void;
}) {
  const s = useLayout();
  const [query, setQuery] = useState("");
  const [shown, setShown] = useState(PAGE);
  // The program's teams as it was opened come first; rows do not jump while roles are being chosen.
  const [first] = useState(() => new Set(chosen.map((t) => t.teamId)));
  if (teams.length === 0) return <Empty title="No teams yet">Import them from a roster file below.</Empty>;
  const roleOf = (teamId: string) => chosen.find((t) => t.teamId === teamId)?.role ?? "";
  const setRole = (teamId: string, role: string) =>
    change([
      ...chosen.filter((t) => t.teamId !== teamId),
      ...(role ? [{ teamId, role: role as ProgramTeam["role"] }] : []),
    ]);
  const needle = query.trim().toLowerCase();
  const ordered = [...teams].sort(
    (a, b) => Number(first.has(b.id)) - Number(first.has(a.id)) || a.name.localeCompare(b.name),
  );
  const matching = ordered.filter(
    (t) => !needle || t.name.toLowerCase().includes(needle) || t.manager.displayName.toLowerCase().includes(needle),
  );
  const pilots = chosen.filter((t) => t.role === "pilot").length;
  return (
    <div className={s.stack}>
      <div className={s.row}>
        <Input
          aria-label="Find a team"
          placeholder="Find a team or manager"
          value={query}
          onChange={(_e, d) => {
            setQuery(d.value);
            setShown(PAGE);
          }}
        />
        <Text role="status">
          {pilots} pilot · {chosen.length - pilots} comparison · {teams.length} teams in all
        </Text>
      </div>
      <Table aria-label="Teams and their role in the program" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Team</TableHeaderCell>
            <TableHeaderCell>Manager</TableHeaderCell>
            <TableHeaderCell>Members</TableHeaderCell>
            <TableHeaderCell>Role in this program</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {matching.slice(0, shown).map((t) => (
            <TableRow key={t.id}>
              <TableCell>{t.name}</TableCell>
              <TableCell>{t.manager.displayName}</TableCell>
              <TableCell>{t.members}</TableCell>
              <TableCell>
                <Select
                  aria-label={`${t.name} (${t.members} members)`}
                  value={roleOf(t.id)}
                  onChange={(_e, d) => setRole(t.id, d.value)}
                >
                  <option value="">Not in this program</option>
                  <option value="pilot">Pilot</option>
                  <option value="comparison">Comparison</option>
                </Select>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {matching.length === 0 && <Text>No team matches "{query}".</Text>}
      {matching.length > shown && (
        <div>
          <Button onClick={() => setShown((n) => n + PAGE)}>
            Show {Math.min(PAGE, matching.length - shown)} more of {matching.length - shown}
          </Button>
        </div>
      )}
    </div>
  );
}
