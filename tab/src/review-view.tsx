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
import type { KpiStory, MonthlyReview, ProgramValue, ReviewMonths, SideStory } from "../../src/dashboard/index.js";
import type { Program, Valuation } from "../../src/domain/index.js";
import { type Api, ApiError } from "./api/index.js";
import { engagementRows } from "./builder/measure-step.js";
import { PilotComparisonChart } from "./charts.js";
import { Panel, useLayout } from "./layout.js";
import { Empty, ErrorState, Loaded, percent } from "./states.js";
import { useLoad } from "./use-load.js";

const round = (v: number) => Number(v.toFixed(2)).toString();
/** Teams are listed by name in the KPI tables up to this many; the CSV always has every team. */
const MAX_TEAM_COLUMNS = 8;

const monthName = (month: string) =>
  new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

function monthsFrom(first: string, last: string): string[] {
  const months: string[] = [];
  for (let m = first; m <= last; ) {
    months.push(m);
    const [y, n] = m.split("-").map(Number) as [number, number];
    m = n === 12 ? `${y + 1}-01` : `${y}-${String(n + 1).padStart(2, "0")}`;
  }
  return months.reverse();
}

/** The monthly review of a program: pick the program and month, read, annotate, download or print. */
export function ReviewPage({ api }: { api: Api }) {
  const s = useLayout();
  const programs = useLoad(() => api.programs.all(), "review-programs");
  const [programId, setProgramId] = useState<string | null>(null);
  return (
    <div className={s.stack}>
      <Text as="h2" size={600} weight="semibold" style={{ margin: 0 }}>
        Monthly review
      </Text>
      <Loaded load={programs} label="Loading programs…">
        {(items) => {
          const chosen = programId ?? items.find((p) => p.status === "active")?.id ?? items[0]?.id;
          if (!chosen) return <Empty title="No programs yet">Build a program first.</Empty>;
          return <ProgramReviews api={api} programs={items} programId={chosen} choose={setProgramId} key={chosen} />;
        }}
      </Loaded>
    </div>
  );
}

function ProgramReviews(props: { api: Api; programs: Program[]; programId: string; choose: (id: string) => void }) {
  const s = useLayout();
  const path = `/programs/${encodeURIComponent(props.programId)}/reviews`;
  const months = useLoad(async () => (await props.api.get<ReviewMonths>(path)).data, path);
  const [month, setMonth] = useState<string | null>(null);
  return (
    <Loaded load={months} label="Finding the months…">
      {(range) => {
        // The latest month with data, not the current month that has barely begun.
        const shown = month ?? range.latestWithData ?? range.last;
        return (
          <>
            <div className={s.row} data-print="hide">
              <Field label="Program">
                <Select value={props.programId} onChange={(_e, d) => props.choose(d.value)}>
                  {props.programs.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Month">
                <Select value={shown} onChange={(_e, d) => setMonth(d.value)}>
                  {monthsFrom(range.first, range.last).map((m) => (
                    <option key={m} value={m}>
                      {monthName(m)}
                      {m === range.latestWithData ? " (latest data)" : ""}
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
            <Review api={props.api} programId={props.programId} month={shown} key={shown} />
          </>
        );
      }}
    </Loaded>
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
              {review.program.name} — {monthName(review.month)}
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
          <Purpose review={review} />
          {review.stage !== "not-started" && (
            <div className={s.grid}>
              <Effect review={review} />
              <Value api={api} programId={programId} value={review.value} reload={load.reload} />
            </div>
          )}
          {review.kpis.length === 0 ? (
            <Panel title="KPIs">
              <Empty title="No KPIs linked" />
            </Panel>
          ) : (
            review.kpis.map((story) => <KpiStoryPanel key={story.id} story={story} />)
          )}
          {review.stage !== "not-started" && <Chain review={review} />}
          <Engagement review={review} />
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

function Purpose({ review }: { review: MonthlyReview }) {
  const s = useLayout();
  const { purpose, window } = review.program;
  const items = [
    ["Problem today", purpose.problemToday],
    ["Desired state", purpose.desiredState],
    ["Strategic objective", purpose.strategicObjective],
  ].filter(([, text]) => text);
  return (
    <Panel title="Purpose" subtitle={window ? `Window ${window.start} to ${window.end}` : "No window set"}>
      <div className={s.stack} style={{ gap: 8 }}>
        <MessageBar intent={review.stage === "not-started" ? "warning" : "info"}>
          <MessageBarBody>{review.stageNote}</MessageBarBody>
        </MessageBar>
        {items.length === 0 ? (
          <Text>No purpose was written for this program.</Text>
        ) : (
          <dl style={{ margin: 0 }}>
            {items.map(([label, text]) => (
              <div key={label} style={{ marginBottom: 8 }}>
                <dt>
                  <Text weight="semibold">{label}</Text>
                </dt>
                <dd style={{ margin: 0 }}>
                  <Text>{text}</Text>
                </dd>
              </div>
            ))}
          </dl>
        )}
      </div>
    </Panel>
  );
}

function Effect({ review }: { review: MonthlyReview }) {
  const s = useLayout();
  const effect = review.effect;
  const interval = (e: { interval: [number, number] }) =>
    `90% interval ${round(e.interval[0])} to ${round(e.interval[1])}`;
  return (
    <Panel title="Effect on the outcome KPI" subtitle={`Pilot against comparison teams, values up to ${review.asOf}`}>
      {!effect ? (
        <Text>No outcome KPI is set, so there is nothing to estimate.</Text>
      ) : (
        <div className={s.stack} style={{ gap: 8 }}>
          {(effect.status === "estimate" || effect.status === "pre-trend") && (
            <Text size={500} weight="semibold">
              {signed(effect.estimate)} ({interval(effect)})
            </Text>
          )}
          {effect.status === "pre-trend" && (
            <Badge color="warning" style={{ alignSelf: "flex-start" }}>
              No effect claimed:{" "}
              {effect.reason === "diverging" ? "the sides were already moving apart" : "a trend could explain the gap"}
            </Badge>
          )}
          {effect.status === "descriptive" && (
            <Text size={500} weight="semibold">
              Descriptive gap {signed(effect.gap)} (not an estimate)
            </Text>
          )}
          <Text>{effect.summary}</Text>
          {(effect.status === "estimate" || effect.status === "pre-trend") && (
            <Text size={200}>
              The number is the pilot teams' change since the start minus the comparison teams'. The interval is the
              range the true difference most likely lies in: where it includes zero, the program's effect is not shown.
            </Text>
          )}
        </div>
      )}
    </Panel>
  );
}

const signed = (v: number) => `${v > 0 ? "+" : ""}${round(v)}`;

const money = (n: number, currency: string) => `${currency} ${Math.round(n).toLocaleString("en-GB")}`;

function Value(props: { api: Api; programId: string; value: ProgramValue; reload: () => void }) {
  const s = useLayout();
  const { value } = props;
  const [editing, setEditing] = useState(false);
  const c = value.valuation?.currency ?? "";
  const rows: [string, ProgramValue["benefit"], (n: number) => string][] = [
    ["Benefit", value.benefit, (n) => money(n, c)],
    ["Net benefit", value.netBenefit, (n) => money(n, c)],
    ["ROI", value.roiPercent, (n) => `${Math.round(n)}%`],
  ];
  return (
    <Panel title="Value" subtitle="Net benefit and ROI (benefit − cost) ÷ cost, with the effect's interval">
      <div className={s.stack} style={{ gap: 8 }}>
        {value.valuation && (
          <Text>
            One unit of the outcome KPI is worth {money(value.valuation.unitWorth, c)}; the program cost{" "}
            {money(value.valuation.cost, c)}.
          </Text>
        )}
        {value.benefit && (
          <Table aria-label="Value" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell />
                <TableHeaderCell>Estimate</TableHeaderCell>
                <TableHeaderCell>90% interval</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map(([label, r, f]) => (
                <TableRow key={label}>
                  <TableCell>{label}</TableCell>
                  <TableCell>{r ? f(r.estimate) : "—"}</TableCell>
                  <TableCell>{r ? `${f(r.low)} to ${f(r.high)}` : "—"}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        <Text weight={value.supported ? "regular" : "semibold"}>{value.statement}</Text>
        <div data-print="hide">
          {editing ? (
            <ValuationForm {...props} done={() => setEditing(false)} />
          ) : (
            <Button size="small" onClick={() => setEditing(true)}>
              {value.valuation ? "Change worth and cost" : "Give worth and cost"}
            </Button>
          )}
        </div>
      </div>
    </Panel>
  );
}

function ValuationForm(props: {
  api: Api;
  programId: string;
  value: ProgramValue;
  reload: () => void;
  done: () => void;
}) {
  const s = useLayout();
  const before = props.value.valuation;
  const [currency, setCurrency] = useState(before?.currency ?? "EUR");
  const [unitWorth, setUnitWorth] = useState(before ? String(before.unitWorth) : "");
  const [cost, setCost] = useState(before ? String(before.cost) : "");
  const [error, setError] = useState<Error | null>(null);
  const save = async () => {
    setError(null);
    const programPath = `/programs/${encodeURIComponent(props.programId)}`;
    try {
      const { etag } = await props.api.programs.get(props.programId);
      const valuation: Valuation = {
        currency: currency.trim().toUpperCase(),
        unitWorth: Number(unitWorth),
        cost: Number(cost),
      };
      await props.api.put(programPath, { valuation }, etag);
      props.done();
      props.reload();
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e : new Error(String(e)));
    }
  };
  return (
    <div className={s.stack} style={{ gap: 8 }}>
      <div className={s.row}>
        <Field label="Currency">
          <Input value={currency} maxLength={3} onChange={(_e, d) => setCurrency(d.value)} style={{ width: 80 }} />
        </Field>
        <Field label="Worth of one unit of the outcome KPI">
          <Input type="number" value={unitWorth} onChange={(_e, d) => setUnitWorth(d.value)} />
        </Field>
        <Field label="Program cost">
          <Input type="number" value={cost} onChange={(_e, d) => setCost(d.value)} />
        </Field>
      </div>
      <div className={s.row}>
        <Button appearance="primary" onClick={save}>
          Save
        </Button>
        <Button onClick={props.done}>Cancel</Button>
      </div>
      {error && <ErrorState error={error} />}
    </div>
  );
}

const kpiValue = (v: number | null | undefined, unit: string) =>
  v === null || v === undefined ? "—" : `${round(v)}${unit === "%" ? "%" : ` ${unit}`}`;

function sideLine(label: string, side: SideStory, unit: string) {
  return side.current
    ? `${label} ${kpiValue(side.current.value, unit)} in ${monthName(side.current.month)} (${percent(side.progress)} of the way)`
    : `${label}: no value yet`;
}

function KpiStoryPanel({ story }: { story: KpiStory }) {
  const s = useLayout();
  const teams = story.teams.length <= MAX_TEAM_COLUMNS ? story.teams : [];
  const chart = story.months.map((month, i) => ({
    month,
    pilot: story.sides?.pilot.values[i] ?? story.organisation?.values[i] ?? null,
    comparison: story.sides?.comparison.values[i] ?? null,
  }));
  const role = story.role === "outcome" ? "Outcome (lagging) metric" : "Leading metric";
  return (
    <Panel title={`${story.name} (${story.unit})`} subtitle={role}>
      <div className={s.stack} style={{ gap: 8 }}>
        <Badge
          appearance="tint"
          color={story.role === "outcome" ? "brand" : "informative"}
          style={{ alignSelf: "flex-start" }}
        >
          {story.role === "outcome" ? "lagging" : "leading"}
        </Badge>
        <Text>
          Baseline {kpiValue(story.baseline.value, story.unit)} on {story.baseline.date} →{" "}
          {story.target
            ? `target ${kpiValue(story.target.value, story.unit)} by ${story.target.date}.`
            : "no target (a leading indicator)."}{" "}
          {story.sides
            ? `${sideLine("Pilot teams", story.sides.pilot, story.unit)}; ${sideLine("comparison teams", story.sides.comparison, story.unit)}.`
            : story.organisation
              ? `${sideLine("Organisation", story.organisation, story.unit)}.`
              : ""}
        </Text>
        {story.months.length === 0 ? (
          <Empty title="No values up to this month" />
        ) : (
          <>
            <PilotComparisonChart kpi={story} months={chart} />
            <Table aria-label={`${story.name} by month`} size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Month</TableHeaderCell>
                  {story.sides ? (
                    <>
                      <TableHeaderCell>Pilot teams</TableHeaderCell>
                      <TableHeaderCell>Comparison teams</TableHeaderCell>
                    </>
                  ) : (
                    <TableHeaderCell>Organisation</TableHeaderCell>
                  )}
                  {teams.map((t) => (
                    <TableHeaderCell key={t.teamId}>
                      {t.name} ({t.role})
                    </TableHeaderCell>
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {story.months.map((month, i) => (
                  <TableRow key={month}>
                    <TableCell>{month}</TableCell>
                    {story.sides ? (
                      <>
                        <TableCell>{kpiValue(story.sides.pilot.values[i], story.unit)}</TableCell>
                        <TableCell>{kpiValue(story.sides.comparison.values[i], story.unit)}</TableCell>
                      </>
                    ) : (
                      <TableCell>{kpiValue(story.organisation?.values[i], story.unit)}</TableCell>
                    )}
                    {teams.map((t) => (
                      <TableCell key={t.teamId}>{kpiValue(t.values[i], story.unit)}</TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </>
        )}
      </div>
    </Panel>
  );
}

function Chain({ review }: { review: MonthlyReview }) {
  const weeks = review.adoptionWeeks ? `${review.adoptionWeeks.from} to ${review.adoptionWeeks.to}` : "";
  const skills = review.skillsCheck;
  return (
    <Panel
      title="Skills → behaviours → KPIs"
      subtitle={`Adoption: share of observations at the rubric's top level, ${weeks}; withheld where fewer people than the privacy minimum were observed`}
    >
      <Text>
        Skills check: {skills.pairs} learners took it before and after; mean score {percent(skills.preMean)} before,{" "}
        {percent(skills.postMean)} after.
      </Text>
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
              <TableHeaderCell>Link to the KPI</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {review.chain.map((link) => (
              <TableRow key={`${link.behaviourId}-${link.kpiId}`}>
                <TableCell>{link.skills.join(", ")}</TableCell>
                <TableCell>{link.behaviourName}</TableCell>
                <TableCell>
                  {link.kpiName} ({link.kpiRole === "outcome" ? "lagging" : "leading"})
                </TableCell>
                <TableCell>{percent(link.adoption.pilot)}</TableCell>
                <TableCell>{percent(link.adoption.comparison)}</TableCell>
                <TableCell>
                  {link.flag ??
                    (link.relation.correlation === null
                      ? `too early to tell (${link.relation.teams} teams with both figures)`
                      : `correlation ${round(link.relation.correlation)} over ${link.relation.teams} teams`)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Panel>
  );
}

function Engagement({ review }: { review: MonthlyReview }) {
  return (
    <Panel
      title={`Engagement in ${monthName(review.month)}`}
      subtitle="By the date of each record; and since the start"
    >
      <Table aria-label="Engagement" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell />
            <TableHeaderCell>Pilot, month</TableHeaderCell>
            <TableHeaderCell>Comparison, month</TableHeaderCell>
            <TableHeaderCell>Pilot, to date</TableHeaderCell>
            <TableHeaderCell>Comparison, to date</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {engagementRows.map(([key, label]) => (
            <TableRow key={key}>
              <TableCell>{label}</TableCell>
              <TableCell>{review.engagement.month.pilot[key]}</TableCell>
              <TableCell>{review.engagement.month.comparison[key]}</TableCell>
              <TableCell>{review.engagement.toDate.pilot[key]}</TableCell>
              <TableCell>{review.engagement.toDate.comparison[key]}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Panel>
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
