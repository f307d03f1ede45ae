import {
  Button,
  Dropdown,
  Input,
  Option,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from "@fluentui/react-components";
import { useState } from "react";
import type { ProgramView } from "../../../src/dashboard/index.js";
import type { Api } from "../api/index.js";
import { AdoptionChart } from "../charts.js";
import { useLayout } from "../layout.js";
import { Empty, Loaded, percent } from "../states.js";
import { useLoad } from "../use-load.js";

/** Rows shown before "Show more": a program can have hundreds of teams. */
const PAGE = 50;
/** Small programs open every team's chart at once; larger ones on request. */
const OPEN_ALL_UP_TO = 6;

type Role = "all" | "pilot" | "comparison";

/** Every team of a program in one table; a team's weekly chart loads when its row is opened. */
export function ProgramTeams({ api, programId, view }: { api: Api; programId: string; view: ProgramView }) {
  const s = useLayout();
  const [query, setQuery] = useState("");
  const [role, setRole] = useState<Role>("all");
  const [shown, setShown] = useState(PAGE);
  const [open, setOpen] = useState<ReadonlySet<string>>(
    () => new Set(view.teams.length <= OPEN_ALL_UP_TO ? view.teams.map((t) => t.teamId) : []),
  );
  const needle = query.trim().toLowerCase();
  const matching = view.teams.filter(
    (t) => (role === "all" || t.role === role) && (!needle || t.name.toLowerCase().includes(needle)),
  );
  const behaviours = view.chain.behaviours;
  const toggle = (teamId: string) =>
    setOpen((before) => {
      const next = new Set(before);
      if (!next.delete(teamId)) next.add(teamId);
      return next;
    });
  return (
    <div className={s.stack}>
      {view.teams.length > OPEN_ALL_UP_TO && (
        <div className={s.row}>
          <Input
            aria-label="Find a team"
            placeholder="Find a team"
            value={query}
            onChange={(_, d) => setQuery(d.value)}
          />
          <Dropdown
            aria-label="Side"
            value={role === "all" ? "Both sides" : `${role[0]?.toUpperCase()}${role.slice(1)} teams`}
            selectedOptions={[role]}
            onOptionSelect={(_, d) => setRole((d.optionValue as Role) ?? "all")}
          >
            <Option value="all">Both sides</Option>
            <Option value="pilot">Pilot teams</Option>
            <Option value="comparison">Comparison teams</Option>
          </Dropdown>
          <Text>
            {matching.length} of {view.teams.length} teams
          </Text>
        </div>
      )}
      {matching.length === 0 ? (
        <Empty title="No team matches" />
      ) : (
        <Table aria-label="Teams of the program" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Team</TableHeaderCell>
              <TableHeaderCell>Side</TableHeaderCell>
              <TableHeaderCell>Observed in 30 days</TableHeaderCell>
              <TableHeaderCell>Observations, 4 weeks</TableHeaderCell>
              {behaviours.map((b) => (
                <TableHeaderCell key={b.id}>{b.name}</TableHeaderCell>
              ))}
              <TableHeaderCell>Chart</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {matching.slice(0, shown).flatMap((t) => [
              <TableRow key={t.teamId}>
                <TableCell>{t.name}</TableCell>
                <TableCell>{t.role}</TableCell>
                <TableCell>{t.withheld ? "withheld" : `${t.coverage.observed} of ${t.coverage.members}`}</TableCell>
                <TableCell>{t.recentObservations}</TableCell>
                {behaviours.map((b) => (
                  <TableCell key={b.id}>{t.withheld ? "withheld" : percent(t.adoption[b.id])}</TableCell>
                ))}
                <TableCell>
                  <Button size="small" aria-expanded={open.has(t.teamId)} onClick={() => toggle(t.teamId)}>
                    {open.has(t.teamId) ? "Hide" : "Show"}
                  </Button>
                </TableCell>
              </TableRow>,
              open.has(t.teamId) && (
                <TableRow key={`${t.teamId}-chart`}>
                  <TableCell colSpan={5 + behaviours.length}>
                    <TeamChart api={api} programId={programId} teamId={t.teamId} />
                  </TableCell>
                </TableRow>
              ),
            ])}
          </TableBody>
        </Table>
      )}
      {matching.length > shown && (
        <Button onClick={() => setShown((n) => n + PAGE)}>Show {Math.min(PAGE, matching.length - shown)} more</Button>
      )}
    </div>
  );
}

function TeamChart({ api, programId, teamId }: { api: Api; programId: string; teamId: string }) {
  const load = useLoad(() => api.programs.team(programId, teamId), `${programId}/${teamId}`);
  return (
    <Loaded load={load} label="Loading the team's weeks…">
      {(team) =>
        team.withheld ? (
          <Empty title="Figures withheld">The team is too small to show them without pointing at one person.</Empty>
        ) : team.observationCount === 0 ? (
          <Empty title="No observations in the last 12 weeks" />
        ) : (
          <AdoptionChart behaviours={team.behaviours} />
        )
      }
    </Loaded>
  );
}
