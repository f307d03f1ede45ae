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
import type { Program } from "../../src/domain/program.js";
import type { Api } from "./api/index.js";
import { useLayout } from "./layout.js";
import { actionLabel, nextStatuses, statusColor, statusLabel } from "./program-status.js";
import { Empty, ErrorState, Loaded, Saved } from "./states.js";
import { useLoad } from "./use-load.js";
import { useMutation } from "./use-mutation.js";

/** Programs a page at a time; "Show more programs" follows the server's continuation token. */
const PAGE_SIZE = 50;

export function ProgramList({ api, open }: { api: Api; open: (programId: string | null) => void }) {
  const s = useLayout();
  const first = useLoad(() => api.programs.page(null, PAGE_SIZE), "programs");
  const [more, setMore] = useState<{ items: Program[]; token: string | null } | null>(null);
  const next = useMutation(async (token: string) => {
    const page = await api.programs.page(token, PAGE_SIZE);
    setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], token: page.continuationToken }));
  });
  const act = useMutation(async (said: string, run: () => Promise<unknown>) => {
    await run();
    setMore(null);
    first.reload();
    return said;
  });
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
      {act.error && <ErrorState error={act.error} />}
      {act.result && <Saved>{act.result}</Saved>}
      <Loaded load={first} label="Loading programs…">
        {(page) => {
          const programs = [...page.items, ...(more?.items ?? [])];
          const token = more ? more.token : page.continuationToken;
          return programs.length === 0 ? (
            <Empty title="No programs yet">Start one that is aligned to a business outcome: New program.</Empty>
          ) : (
            <>
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
                        <Badge color={statusColor[p.status]}>{statusLabel[p.status]}</Badge>
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
                              disabled={act.busy}
                              onClick={() =>
                                void act.run(`"${p.name}" is now ${statusLabel[to].toLowerCase()}.`, () =>
                                  api.programs.transition(p.id, to),
                                )
                              }
                            >
                              {actionLabel[to]}
                            </Button>
                          ))}
                          <Button
                            size="small"
                            aria-label={`Clone ${p.name} as a template`}
                            disabled={act.busy}
                            onClick={() =>
                              void act.run(`"${p.name} (copy)" created as a draft.`, () =>
                                api.programs.clone(p.id, `${p.name} (copy)`),
                              )
                            }
                          >
                            Clone
                          </Button>
                        </div>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {next.error && <ErrorState error={next.error} />}
              {token && (
                <div>
                  <Button disabled={next.busy} onClick={() => void next.run(token)}>
                    Show more programs
                  </Button>
                </div>
              )}
            </>
          );
        }}
      </Loaded>
    </div>
  );
}
