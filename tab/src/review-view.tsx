import {
  Badge,
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
} from "@fluentui/react-components";
import { useState } from "react";
import type { MonthlyReview } from "../../src/measure/index.js";
import { type Api, ApiError } from "./api/index.js";
import { Panel, useLayout } from "./layout.js";
import { Empty, ErrorState, Loaded, percent } from "./states.js";
import { useLoad } from "./use-load.js";

const thisMonth = () => new Date().toISOString().slice(0, 7);
const round = (v: number) => Number(v.toFixed(2)).toString();

/** The monthly review of a program: pick the program and month, read, annotate, download or print. */
export function ReviewPage({ api }: { api: Api }) {
  const s = useLayout();
  const programs = useLoad(() => api.programs.all(), "review-programs");
  const [programId, setProgramId] = useState<string | null>(null);
  const [month, setMonth] = useState(thisMonth());
  return (
    <div className={s.stack}>
      <Text as="h2" size={600} weight="semibold" style={{ margin: 0 }}>
        Monthly review
      </Text>
      <Loaded load={programs} label="Loading programs…">
        {(items) => {
          const chosen = programId ?? items.find((p) => p.status === "active")?.id ?? items[0]?.id;
          if (!chosen) return <Empty title="No programs yet">Build a program first.</Empty>;
          return (
            <>
              <div className={s.row} data-print="hide">
                <Field label="Program">
                  <Select value={chosen} onChange={(_e, d) => setProgramId(d.value)}>
                    {items.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.name}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field label="Month">
                  <Input type="month" value={month} onChange={(_e, d) => d.value && setMonth(d.value)} />
                </Field>
              </div>
              <Review api={api} programId={chosen} month={month} key={`${chosen}/${month}`} />
            </>
          );
        }}
      </Loaded>
    </div>
  );
}

function Review({ api, programId, month }: { api: Api; programId: string; month: string }) {
  const s = useLayout();
  const path = `/programs/${encodeURIComponent(programId)}/reviews/${month}`;
  const load = useLoad(async () => await api.get<MonthlyReview>(path), path);
  const [error, setError] = useState<Error | null>(null);
  return (
    <Loaded load={load} label="Preparing the review…">
      {({ data: review }) => (
        <div className={s.stack}>
          <div className={s.row}>
            <Text as="h3" size={500} weight="semibold" style={{ margin: 0 }}>
              {review.programName} — {review.month}
            </Text>
            <span style={{ flexGrow: 1 }} />
            <span data-print="hide" className={s.row}>
              <Button onClick={() => api.download(`${path}.csv`, `review-${programId}-${month}.csv`).catch(setError)}>
                Download CSV
              </Button>
              <Button onClick={() => window.print()}>Print or save as PDF</Button>
            </span>
          </div>
          {error && <ErrorState error={error} />}
          <Panel title="Effect on the outcome KPI" subtitle="Difference-in-differences, pilot against comparison teams">
            {!review.effect ? (
              <Text>No outcome KPI or program window is set, so there is nothing to estimate.</Text>
            ) : review.effect.status === "estimate" ? (
              <div className={s.stack}>
                <Text size={500} weight="semibold">
                  {review.effect.estimate > 0 ? "+" : ""}
                  {round(review.effect.estimate)} (90% interval {round(review.effect.interval[0])} to{" "}
                  {round(review.effect.interval[1])})
                </Text>
                <Text>{review.effect.summary}</Text>
                {!review.effect.preTrend.movedAlike && (
                  <Badge color="warning">Pilot and comparison did not move alike before the start</Badge>
                )}
              </div>
            ) : (
              <Text>{review.effect.summary}</Text>
            )}
          </Panel>
          <Panel
            title="Skills → behaviours → KPIs"
            subtitle="Adoption at the rubric's top level, and its link to the KPI"
          >
            {review.chain.length === 0 ? (
              <Empty title="No chain yet">The program has no behaviours linked to a KPI.</Empty>
            ) : (
              <Table aria-label="Review chain" size="small">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Skills</TableHeaderCell>
                    <TableHeaderCell>Behaviour</TableHeaderCell>
                    <TableHeaderCell>KPI</TableHeaderCell>
                    <TableHeaderCell>Pilot adoption</TableHeaderCell>
                    <TableHeaderCell>Comparison adoption</TableHeaderCell>
                    <TableHeaderCell>Link to KPI</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {review.chain.map((link) => (
                    <TableRow key={`${link.behaviourId}-${link.kpiId}`}>
                      <TableCell>{link.skills.join(", ")}</TableCell>
                      <TableCell>{link.behaviourName}</TableCell>
                      <TableCell>{link.kpiName}</TableCell>
                      <TableCell>{percent(link.adoption.pilot)}</TableCell>
                      <TableCell>{percent(link.adoption.comparison)}</TableCell>
                      <TableCell>
                        {link.flag ??
                          (link.relation.correlation === null
                            ? "too early to tell"
                            : `correlation ${round(link.relation.correlation)} over ${link.relation.teams} teams`)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Panel>
          <div className={s.grid}>
            <Panel title="KPI progress">
              {review.kpis.length === 0 ? (
                <Empty title="No KPIs linked" />
              ) : (
                <ul aria-label="KPI progress" className={s.list}>
                  {review.kpis.map(({ kpi, byTeam }) => (
                    <li key={kpi.kpiId}>
                      <Text weight="semibold">{kpi.name}</Text>: baseline {kpi.baseline.value}
                      {kpi.unit} →{" "}
                      {kpi.current ? `${kpi.current.value}${kpi.unit} on ${kpi.current.date}` : "no value yet"} →{" "}
                      {kpi.target ? `target ${kpi.target.value}${kpi.unit} by ${kpi.target.date}` : "no target"}
                      {kpi.progress !== null && ` (${percent(kpi.progress)} of the way)`}{" "}
                      {kpi.onTrack !== null && (
                        <Badge color={kpi.onTrack ? "success" : "warning"}>{kpi.onTrack ? "on track" : "behind"}</Badge>
                      )}
                      {Object.keys(byTeam).length > 0 && (
                        <Text as="p" block size={200}>
                          By team:{" "}
                          {Object.entries(byTeam)
                            .map(([team, v]) => `${team} ${v.current ? `${v.current.value}${kpi.unit}` : "—"}`)
                            .join(" · ")}
                        </Text>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </Panel>
            <Panel title="Engagement this month">
              <Table aria-label="Engagement" size="small">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell />
                    <TableHeaderCell>Pilot</TableHeaderCell>
                    <TableHeaderCell>Comparison</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {(
                    [
                      ["observations", "Observations"],
                      ["challengesDone", "Challenges done"],
                      ["challengesSkipped", "Challenges skipped"],
                      ["nudgeResponses", "Nudge responses"],
                    ] as const
                  ).map(([key, label]) => (
                    <TableRow key={key}>
                      <TableCell>{label}</TableCell>
                      <TableCell>{review.engagement.pilot[key]}</TableCell>
                      <TableCell>{review.engagement.comparison[key]}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Panel>
          </div>
          <Notes
            api={api}
            path={path}
            initial={review.notes?.text ?? ""}
            etag={review.notesEtag}
            reload={load.reload}
          />
        </div>
      )}
    </Loaded>
  );
}

function Notes(props: { api: Api; path: string; initial: string; etag: string | null; reload: () => void }) {
  const s = useLayout();
  const [text, setText] = useState(props.initial);
  const [etag, setEtag] = useState(props.etag);
  const [state, setState] = useState<"idle" | "saved" | "stale">("idle");
  const [error, setError] = useState<Error | null>(null);
  const save = async () => {
    setError(null);
    try {
      // The etag comes in the body: a response without notes' ETag still carries the server's automatic one.
      const saved = await props.api.put<{ notesEtag: string | null }>(`${props.path}/notes`, { text }, etag);
      setEtag(saved.data.notesEtag);
      setState("saved");
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setState("stale");
      else setError(e as Error);
    }
  };
  return (
    <Panel title="Notes">
      <div className={s.stack}>
        <Field label="Review notes">
          <Textarea value={text} resize="vertical" rows={4} onChange={(_e, d) => setText(d.value)} />
        </Field>
        <div className={s.row} data-print="hide">
          <Button appearance="primary" onClick={save}>
            Save notes
          </Button>
          {state === "saved" && <Text role="status">Notes saved.</Text>}
        </div>
        {state === "stale" && (
          <MessageBar intent="warning" role="alert">
            <MessageBarBody>
              Someone else changed it while you were editing. Reload to see their notes, then add yours.{" "}
              <Button size="small" onClick={props.reload}>
                Reload
              </Button>
            </MessageBarBody>
          </MessageBar>
        )}
        {error && <ErrorState error={error} />}
      </div>
    </Panel>
  );
}
