import {
  Badge,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from "@fluentui/react-components";
import { useState } from "react";
import type { Program } from "../../src/domain/index.js";
import type { Api } from "./api-client.js";
import { useLayout } from "./layout.js";
import { Empty, ErrorState, Loaded } from "./states.js";
import { useLoad } from "./use-load.js";

export const statusColor = { draft: "informative", active: "success", paused: "warning", completed: "subtle" } as const;

export function nextStatuses(status: Program["status"]): ("active" | "paused" | "completed")[] {
  return (
    { draft: ["active"], active: ["paused", "completed"], paused: ["active", "completed"], completed: [] } as const
  )[status].slice();
}

export const actionLabel = { active: "Activate", paused: "Pause", completed: "Complete" } as const;

export function ProgramList({ api, open }: { api: Api; open: (programId: string | null) => void }) {
  const s = useLayout();
  const load = useLoad(
    async () => (await api.get<{ items: Program[] }>("/programs?pageSize=100")).data.items,
    "programs",
  );
  const [error, setError] = useState<Error | null>(null);
  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
      load.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <div className={s.stack}>
      <div className={s.row}>
        <Text as="h2" size={600} weight="semibold" style={{ margin: 0 }}>
          Programs
        </Text>
        <Button appearance="primary" onClick={() => open(null)}>
          New program
        </Button>
      </div>
      {error && <ErrorState error={error} />}
      <Loaded load={load} label="Loading programs…">
        {(programs) =>
          programs.length === 0 ? (
            <Empty title="No programs yet">Start one that is aligned to a business outcome: New program.</Empty>
          ) : (
            <Table aria-label="Programs">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Program</TableHeaderCell>
                  <TableHeaderCell>Status</TableHeaderCell>
                  <TableHeaderCell>Teams</TableHeaderCell>
                  <TableHeaderCell>Window</TableHeaderCell>
                  <TableHeaderCell>Actions</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {programs.map((p) => (
                  <TableRow key={p.id}>
                    <TableCell>
                      <Button appearance="transparent" onClick={() => open(p.id)}>
                        {p.name}
                      </Button>
                    </TableCell>
                    <TableCell>
                      <Badge color={statusColor[p.status]}>{p.status}</Badge>
                    </TableCell>
                    <TableCell>
                      {p.teams.filter((t) => t.role === "pilot").length} pilot ·{" "}
                      {p.teams.filter((t) => t.role === "comparison").length} comparison
                    </TableCell>
                    <TableCell>{p.window ? `${p.window.start} → ${p.window.end}` : "not set"}</TableCell>
                    <TableCell>
                      <div className={s.row}>
                        {nextStatuses(p.status).map((to) => (
                          <Button
                            key={to}
                            size="small"
                            aria-label={`${actionLabel[to]} ${p.name}`}
                            onClick={() => act(() => api.post(`/programs/${p.id}/transition`, { to }))}
                          >
                            {actionLabel[to]}
                          </Button>
                        ))}
                        <Button
                          size="small"
                          aria-label={`Clone ${p.name} as a template`}
                          onClick={() => act(() => api.post(`/programs/${p.id}/clone`, { name: `${p.name} (copy)` }))}
                        >
                          Clone
                        </Button>
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )
        }
      </Loaded>
    </div>
  );
}
