import {
  Badge,
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
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
import type { Kpi } from "../../src/domain/index.js";
import type { KpiImportReport } from "../../src/measure/kpi-import/import-kpi-csv.js";
import type { Api } from "./api-client.js";
import { Panel, useLayout } from "./layout.js";
import { Empty, ErrorState, Loaded } from "./states.js";
import { useLoad } from "./use-load.js";

interface RowIssue {
  row: number;
  field: string;
  rule: string;
}
type ImportReport = KpiImportReport;
type DateOrder = "day-first" | "month-first";
interface ApiKeySummary {
  keyId: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/** KPI values in (CSV upload with a preview, or by hand) and the API keys BI pipelines use. */
export function KpiDataPage({ api }: { api: Api }) {
  const s = useLayout();
  return (
    <div className={s.stack}>
      <Text as="h2" size={600} weight="semibold" style={{ margin: 0 }}>
        KPI data
      </Text>
      <CsvImport api={api} />
      <ManualEntry api={api} />
      <ApiKeys api={api} />
    </div>
  );
}

/** The file's first lines as a table; rows are numbered by file line, as the server's report is. */
function firstLines(text: string): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const separator = (lines[0] ?? "").includes(";") ? ";" : ",";
  const split = (line: string) => line.split(separator).map((c) => c.trim().replace(/^"|"$/g, ""));
  const rows = lines
    .slice(1, 21)
    .map((line, i) => ({ line: i + 2, cells: split(line) }))
    .filter((r) => r.cells.join("") !== "");
  return { header: split(lines[0] ?? ""), rows };
}

/** The file's questions and the admin's answers: which way round its dates are, whether to replace stored values. */
interface Answers {
  dateOrder?: DateOrder;
  replace: boolean;
}

const importPath = (mode: string, answers: Answers) =>
  `/kpi-imports?mode=${mode}${answers.dateOrder ? `&dateOrder=${answers.dateOrder}` : ""}${answers.replace ? "&replace=true" : ""}`;

function CsvImport({ api }: { api: Api }) {
  const s = useLayout();
  const [file, setFile] = useState<File | null>(null);
  const [answers, setAnswers] = useState<Answers>({ replace: false });
  const [preview, setPreview] = useState<ReturnType<typeof firstLines> | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  // Kept once asked, so the answer can be changed after the file has been previewed with it.
  const [question, setQuestion] = useState<ImportReport["question"]>(null);
  const [imported, setImported] = useState<ImportReport | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (chosen: File, given: Answers) => {
    setError(null);
    setImported(null);
    setReport(null);
    setAnswers(given);
    setBusy(true);
    try {
      setPreview(firstLines(await chosen.slice(0, 64 * 1024).text()));
      const checked = await api.upload<ImportReport>(importPath("preview", given), chosen);
      setReport(checked);
      if (checked.question) setQuestion(checked.question);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const importValid = async () => {
    if (!file) return;
    setError(null);
    setBusy(true);
    try {
      setImported(await api.upload<ImportReport>(importPath("commit-valid", answers), file));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const notesByLine = new Map((report?.notes ?? []).map((n) => [n.row, n.note]));
  const issuesByLine = new Map<number, RowIssue[]>();
  for (const issue of report?.issues ?? [])
    issuesByLine.set(issue.row, [...(issuesByLine.get(issue.row) ?? []), issue]);

  return (
    <Panel
      title="Upload a CSV"
      subtitle="Columns kpi, team, date, value; KPIs and teams by name or id; separated by , or ; — nothing is written until you accept"
    >
      <div className={s.stack}>
        <div className={s.row}>
          <Field label="CSV file">
            <input
              type="file"
              accept=".csv,text/csv"
              aria-label="CSV file"
              onChange={(e) => {
                const chosen = e.target.files?.[0] ?? null;
                setFile(chosen);
                setQuestion(null);
                if (chosen) void check(chosen, { replace: false });
              }}
            />
          </Field>
        </div>
        {error && <ErrorState error={error} />}
        {busy && <Text>Checking the file…</Text>}
        {file && question && (
          <Field label={question.text}>
            <RadioGroup
              aria-label="Date order"
              value={answers.dateOrder ?? ""}
              onChange={(_e, d) => void check(file, { ...answers, dateOrder: d.value as DateOrder })}
            >
              {question.options.map((o) => (
                <Radio
                  key={o.answer}
                  value={o.answer}
                  label={`${question.example.text} is ${o.reads} (${o.answer.replace("-", " ")})`}
                />
              ))}
            </RadioGroup>
          </Field>
        )}
        {preview && report && !report.question && (
          <>
            <Table aria-label="File preview" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Line</TableHeaderCell>
                  {preview.header.map((h) => (
                    <TableHeaderCell key={h}>{h}</TableHeaderCell>
                  ))}
                  <TableHeaderCell>Check</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {preview.rows.map((r) => (
                  <TableRow key={r.line}>
                    <TableCell>{r.line}</TableCell>
                    {r.cells.map((c, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                      <TableCell key={i}>{c}</TableCell>
                    ))}
                    <TableCell>
                      {notesByLine.has(r.line) && !issuesByLine.has(r.line) ? (
                        <Badge color="informative">{notesByLine.get(r.line)}</Badge>
                      ) : issuesByLine.has(r.line) ? (
                        <Badge color="danger">
                          {issuesByLine
                            .get(r.line)
                            ?.map((i) => `${i.field}: ${i.rule}`)
                            .join("; ")}
                        </Badge>
                      ) : (
                        <Badge color="success">ok</Badge>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Text role="status">
              {report.rows} rows read: {report.validRows} valid, {report.invalidRows} with problems
              {report.duplicates > 0 ? `; ${report.duplicates} repeated rows counted once` : ""}
              {report.unchanged > 0 ? `; ${report.unchanged} values already stored` : ""}. {report.toWrite} values to
              write{report.dates?.order ? `; dates read ${report.dates.order.replace("-", " ")}` : ""}. Values dated
              after today are refused.
            </Text>
            {report.storedConflicts > 0 && file && (
              <Checkbox
                label={`Replace the ${report.storedConflicts} stored values that differ from the file`}
                checked={answers.replace}
                onChange={(_e, d) => void check(file, { ...answers, replace: Boolean(d.checked) })}
              />
            )}
            {report.issues.length > 0 && (
              <ul aria-label="Problems by row" className={s.list}>
                {report.issues.map((i) => (
                  <li key={`${i.row}-${i.field}-${i.rule}`}>
                    Line {i.row}, {i.field}: {i.rule}
                  </li>
                ))}
                {report.moreIssues > 0 && <li>…and {report.moreIssues} more</li>}
              </ul>
            )}
            {report.notes.length > 0 && (
              <ul aria-label="Notes by row" className={s.list}>
                {report.notes.map((n) => (
                  <li key={`${n.row}-${n.note}`}>
                    Line {n.row}: {n.note}
                  </li>
                ))}
                {report.moreNotes > 0 && <li>…and {report.moreNotes} more</li>}
              </ul>
            )}
            {imported ? (
              <MessageBar intent="success">
                <MessageBarBody>
                  <MessageBarTitle>Imported</MessageBarTitle>
                  {imported.written} values written; {imported.invalidRows} rows skipped.
                </MessageBarBody>
              </MessageBar>
            ) : (
              <div className={s.row}>
                <Button appearance="primary" disabled={busy || report.toWrite === 0} onClick={importValid}>
                  Import the {report.validRows} valid rows
                </Button>
              </div>
            )}
          </>
        )}
      </div>
    </Panel>
  );
}

function ManualEntry({ api }: { api: Api }) {
  const s = useLayout();
  const load = useLoad(async () => {
    const [kpis, teams] = await Promise.all([
      api.get<{ items: Kpi[] }>("/kpis"),
      api.get<{ items: { id: string; name: string }[] }>("/teams"),
    ]);
    return { kpis: kpis.data.items, teams: teams.data.items };
  }, "kpis-teams");
  const [form, setForm] = useState({ kpiId: "", teamId: "", date: new Date().toISOString().slice(0, 10), value: "" });
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = async (kpiId: string) => {
    setError(null);
    setSaved(null);
    try {
      await api.post(`/kpis/${encodeURIComponent(kpiId)}/values`, {
        values: [
          { teamId: form.teamId || undefined, date: form.date, value: form.value === "" ? null : Number(form.value) },
        ],
      });
      setSaved(`Saved ${form.value} for ${form.date}.`);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <Panel title="Enter a value by hand">
      <Loaded load={load} label="Loading KPIs…">
        {({ kpis, teams }) =>
          kpis.length === 0 ? (
            <Empty title="No KPIs yet">Create one in a program's Design step first.</Empty>
          ) : (
            <form
              className={s.row}
              onSubmit={(e) => {
                e.preventDefault();
                void save(form.kpiId || (kpis[0]?.id ?? ""));
              }}
            >
              <Field label="KPI">
                <Select value={form.kpiId || kpis[0]?.id} onChange={(_e, d) => setForm({ ...form, kpiId: d.value })}>
                  {kpis.map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.name}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Team">
                <Select value={form.teamId} onChange={(_e, d) => setForm({ ...form, teamId: d.value })}>
                  <option value="">Whole organisation</option>
                  {teams.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Date">
                <Input type="date" value={form.date} onChange={(_e, d) => setForm({ ...form, date: d.value })} />
              </Field>
              <Field label="Value">
                <Input
                  inputMode="decimal"
                  value={form.value}
                  onChange={(_e, d) => setForm({ ...form, value: d.value })}
                />
              </Field>
              <Button type="submit" appearance="primary">
                Save value
              </Button>
              {saved && <Text role="status">{saved}</Text>}
              {error && <ErrorState error={error} />}
            </form>
          )
        }
      </Loaded>
    </Panel>
  );
}

function ApiKeys({ api }: { api: Api }) {
  const s = useLayout();
  const load = useLoad(async () => (await api.get<{ items: ApiKeySummary[] }>("/api-keys")).data.items, "api-keys");
  const [name, setName] = useState("");
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
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
    <Panel title="API keys" subtitle="For BI pipelines that send KPI values; a key is shown once, when created">
      <div className={s.stack}>
        <form
          className={s.row}
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              const created = await api.post<{ key: string; name: string }>("/api-keys", { name });
              setShown({ name: created.data.name, key: created.data.key });
              setCopied(false);
              setName("");
            });
          }}
        >
          <Field label="Key name">
            <Input value={name} onChange={(_e, d) => setName(d.value)} placeholder="Power BI refresh" />
          </Field>
          <Button type="submit">Create key</Button>
        </form>
        {error && <ErrorState error={error} />}
        {shown && (
          <MessageBar intent="warning">
            <MessageBarBody>
              <MessageBarTitle>Copy the key for "{shown.name}" now</MessageBarTitle>
              It will not be shown again. <code data-testid="new-api-key">{shown.key}</code>{" "}
              <Button
                size="small"
                onClick={() =>
                  navigator.clipboard.writeText(shown.key).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  )
                }
              >
                {copied ? "Copied" : "Copy"}
              </Button>
            </MessageBarBody>
          </MessageBar>
        )}
        <Loaded load={load} label="Loading keys…">
          {(keys) =>
            keys.length === 0 ? (
              <Empty title="No API keys yet" />
            ) : (
              <Table aria-label="API keys" size="small">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Name</TableHeaderCell>
                    <TableHeaderCell>Created</TableHeaderCell>
                    <TableHeaderCell>State</TableHeaderCell>
                    <TableHeaderCell>Actions</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {keys.map((k) => (
                    <TableRow key={k.keyId}>
                      <TableCell>{k.name}</TableCell>
                      <TableCell>{k.createdAt.slice(0, 10)}</TableCell>
                      <TableCell>
                        {k.revokedAt ? (
                          <Badge color="subtle">revoked {k.revokedAt.slice(0, 10)}</Badge>
                        ) : (
                          <Badge color="success">active</Badge>
                        )}
                      </TableCell>
                      <TableCell>
                        {!k.revokedAt && (
                          <Button
                            size="small"
                            aria-label={`Revoke ${k.name}`}
                            onClick={() => act(() => api.del(`/api-keys/${k.keyId}`))}
                          >
                            Revoke
                          </Button>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )
          }
        </Loaded>
      </div>
    </Panel>
  );
}
