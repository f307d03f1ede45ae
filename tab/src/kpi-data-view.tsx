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
import type { DateOrder } from "../../src/measure/kpi-import/parse-cell.js";
import type { RowIssue } from "../../src/measure/kpi-import/validate-kpi-value.js";
import type { Api, KpiImportReport } from "./api/index.js";
import { FileInput } from "./file-input.js";
import { Panel, useLayout } from "./layout.js";
import { Empty, ErrorState, Loaded, Saved } from "./states.js";
import { useLoad } from "./use-load.js";
import { useMutation } from "./use-mutation.js";

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

function CsvImport({ api }: { api: Api }) {
  const s = useLayout();
  const [file, setFile] = useState<File | null>(null);
  const [answers, setAnswers] = useState<Answers>({ replace: false });
  const [preview, setPreview] = useState<ReturnType<typeof firstLines> | null>(null);
  const [report, setReport] = useState<KpiImportReport | null>(null);
  // Kept once asked, so the answer can be changed after the file has been previewed with it.
  const [question, setQuestion] = useState<KpiImportReport["question"]>(null);
  const check = useMutation(async (chosen: File, given: Answers) => {
    importValid.reset();
    setReport(null);
    setAnswers(given);
    setPreview(firstLines(await chosen.slice(0, 64 * 1024).text()));
    const checked = await api.kpis.importCsv("preview", given, chosen);
    setReport(checked);
    if (checked.question) setQuestion(checked.question);
  });
  const importValid = useMutation((chosen: File) => api.kpis.importCsv("commit-valid", answers, chosen));
  const imported = importValid.result;
  const error = check.error ?? importValid.error;
  const busy = check.busy || importValid.busy;
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
            <FileInput
              label="CSV file"
              chosen={(chosen) => {
                setFile(chosen);
                setQuestion(null);
                if (chosen) void check.run(chosen, { replace: false });
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
              onChange={(_e, d) => void check.run(file, { ...answers, dateOrder: d.value as DateOrder })}
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
                onChange={(_e, d) => void check.run(file, { ...answers, replace: Boolean(d.checked) })}
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
                <Button
                  appearance="primary"
                  disabled={busy || report.toWrite === 0}
                  onClick={() => file && void importValid.run(file)}
                >
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
    const [kpis, teams] = await Promise.all([api.kpis.all(), api.teams.all()]);
    return { kpis, teams };
  }, "kpis-teams");
  const [form, setForm] = useState({ kpiId: "", teamId: "", date: new Date().toISOString().slice(0, 10), value: "" });
  const save = useMutation(async (kpiId: string) => {
    await api.kpis.addValues(kpiId, [
      { teamId: form.teamId || undefined, date: form.date, value: form.value === "" ? null : Number(form.value) },
    ]);
    return `Saved ${form.value} for ${form.date}.`;
  });
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
                void save.run(form.kpiId || (kpis[0]?.id ?? ""));
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
              {save.result && <Saved>{save.result}</Saved>}
              {save.error && <ErrorState error={save.error} />}
            </form>
          )
        }
      </Loaded>
    </Panel>
  );
}

function ApiKeys({ api }: { api: Api }) {
  const s = useLayout();
  const load = useLoad(() => api.apiKeys.list(), "api-keys");
  const [name, setName] = useState("");
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const act = useMutation(async (run: () => Promise<unknown>) => {
    await run();
    load.reload();
  });
  return (
    <Panel title="API keys" subtitle="For BI pipelines that send KPI values; a key is shown once, when created">
      <div className={s.stack}>
        <form
          className={s.row}
          onSubmit={(e) => {
            e.preventDefault();
            void act.run(async () => {
              const created = await api.apiKeys.create(name);
              setShown({ name: created.name, key: created.key });
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
        {act.error && <ErrorState error={act.error} />}
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
                            onClick={() => void act.run(() => api.apiKeys.revoke(k.keyId))}
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
