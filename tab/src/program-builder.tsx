import {
  Badge,
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Tab,
  TabList,
  Text,
  Textarea,
} from "@fluentui/react-components";
import { useContext, useState } from "react";
import type { Asset, Kpi, Program } from "../../src/domain/index.js";
import { type Api, ApiError } from "./api-client.js";
import { CardPreview } from "./card-preview.js";
import { ThemeContext } from "./charts.js";
import { DirectoryRoster } from "./directory-roster.js";
import { Panel, useLayout } from "./layout.js";
import { MeasureView } from "./measure-view.js";
import { actionLabel, nextStatuses, statusColor } from "./program-list.js";
import { ReachPanel } from "./reach-panel.js";
import { RosterImport } from "./roster-import.js";
import { Empty, ErrorState, Loaded } from "./states.js";
import { useLoad } from "./use-load.js";

type Step = "discover" | "design" | "deliver" | "measure";
type Draft = Omit<Program, "id" | "tenantId" | "createdAt" | "updatedAt"> & { id?: string };

const emptyDraft = (): Draft => ({
  name: "",
  status: "draft",
  discover: { problemToday: "", desiredState: "", barriers: [], strategicObjective: "" },
  outcomeKpiId: null,
  leadingKpiIds: [],
  window: null,
  reviewCadence: "monthly",
  teams: [],
  owners: [],
  chain: { skills: [], behaviours: [] },
  schedule: {
    entries: [],
    quietHours: { start: "20:00", end: "08:00" },
    maxPerPersonPerDay: 3,
    spacingDays: [2, 5, 12, 26],
  },
});

export const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40) || "item";

/** Changing the outcome KPI re-points every behaviour that moved the old one. */
function withOutcome(draft: Draft, outcomeKpiId: string | null): Partial<Draft> {
  const previous = draft.outcomeKpiId;
  return {
    outcomeKpiId,
    leadingKpiIds: draft.leadingKpiIds.filter((id) => id !== outcomeKpiId),
    chain: {
      ...draft.chain,
      behaviours: draft.chain.behaviours.map((b) => {
        const kept = b.kpiIds.filter((id) => id !== previous && id !== outcomeKpiId);
        return { ...b, kpiIds: outcomeKpiId ? [outcomeKpiId, ...kept] : kept };
      }),
    },
  };
}

/** A dropped leading metric is dropped from the behaviours too, so the chain only names the program's metrics. */
function withLeading(draft: Draft, kpiId: string, on: boolean): Partial<Draft> {
  if (on) return { leadingKpiIds: [...draft.leadingKpiIds, kpiId] };
  return {
    leadingKpiIds: draft.leadingKpiIds.filter((id) => id !== kpiId),
    chain: {
      ...draft.chain,
      behaviours: draft.chain.behaviours.map((b) => {
        const kpiIds = b.kpiIds.filter((id) => id !== kpiId);
        return { ...b, kpiIds: kpiIds.length > 0 || !draft.outcomeKpiId ? kpiIds : [draft.outcomeKpiId] };
      }),
    },
  };
}

/** Loads the program (or starts a new one) and hands it to the builder. */
export function ProgramBuilderPage({ api, programId, back }: { api: Api; programId: string | null; back: () => void }) {
  const load = useLoad(async () => {
    const [kpis, teams] = await Promise.all([
      api.get<{ items: Kpi[] }>("/kpis"),
      api.get<{ items: { id: string; name: string; members: number }[] }>("/teams"),
    ]);
    const program = programId ? await api.get<Program>(`/programs/${programId}`) : null;
    return {
      kpis: kpis.data.items,
      teams: teams.data.items,
      program: program?.data ?? null,
      etag: program?.etag ?? null,
    };
  }, programId ?? "new");
  return (
    <Loaded load={load} label="Opening the program…">
      {(data) => <ProgramBuilder api={api} initial={data} back={back} />}
    </Loaded>
  );
}

interface Initial {
  kpis: Kpi[];
  teams: { id: string; name: string; members: number }[];
  program: Program | null;
  etag: string | null;
}

function ProgramBuilder({ api, initial, back }: { api: Api; initial: Initial; back: () => void }) {
  const s = useLayout();
  const [step, setStep] = useState<Step>("discover");
  const [draft, setDraft] = useState<Draft>(initial.program ?? emptyDraft());
  const [etag, setEtag] = useState<string | null>(initial.etag);
  const [kpis, setKpis] = useState<Kpi[]>(initial.kpis);
  const [notice, setNotice] = useState<{
    kind: "saved" | "conflict" | "error" | "problems";
    error?: Error;
    problems?: string[];
  } | null>(null);
  const [busy, setBusy] = useState(false);
  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async (): Promise<boolean> => {
    setBusy(true);
    setNotice(null);
    try {
      const result =
        draft.id && etag
          ? await api.put<Program>(`/programs/${draft.id}`, draft, etag)
          : await api.post<Program>("/programs", draft);
      setDraft(result.data);
      setEtag(result.etag);
      setNotice({ kind: "saved" });
      return true;
    } catch (error) {
      setNotice(
        error instanceof ApiError && error.status === 409
          ? { kind: "conflict" }
          : { kind: "error", error: error as Error },
      );
      return false;
    } finally {
      setBusy(false);
    }
  };

  const reload = async () => {
    if (!draft.id) return;
    const fresh = await api.get<Program>(`/programs/${draft.id}`);
    setDraft(fresh.data);
    setEtag(fresh.etag);
    setNotice(null);
  };

  const transition = async (to: "active" | "paused" | "completed") => {
    if (!(await save())) return;
    setBusy(true);
    try {
      const result = await api.post<Program>(`/programs/${draft.id}/transition`, { to });
      setDraft(result.data);
      setEtag(result.etag);
      setNotice({ kind: "saved" });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422)
        setNotice({ kind: "problems", problems: error.body.problems ?? [] });
      else if (error instanceof ApiError && error.status === 409) setNotice({ kind: "conflict" });
      else setNotice({ kind: "error", error: error as Error });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={s.stack}>
      <div className={s.row}>
        <Button onClick={back}>Back to programs</Button>
        <Text as="h2" size={600} weight="semibold" style={{ margin: 0 }}>
          {draft.name || "New program"}
        </Text>
        <Badge color={statusColor[draft.status]}>{draft.status}</Badge>
        <Button appearance="primary" onClick={save} disabled={busy}>
          Save
        </Button>
        {draft.id &&
          nextStatuses(draft.status).map((to) => (
            <Button key={to} onClick={() => transition(to)} disabled={busy}>
              {actionLabel[to]}
            </Button>
          ))}
      </div>
      {notice?.kind === "saved" && (
        <MessageBar intent="success">
          <MessageBarBody>Saved.</MessageBarBody>
        </MessageBar>
      )}
      {notice?.kind === "conflict" && (
        <MessageBar intent="warning" role="alert">
          <MessageBarBody>
            <MessageBarTitle>Someone else changed it</MessageBarTitle>
            This program was changed by someone else since you opened it; your save was not applied. Reload to see their
            changes.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={reload}>Reload</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {notice?.kind === "problems" && (
        <MessageBar intent="warning" role="alert">
          <MessageBarBody>
            <MessageBarTitle>Not ready to activate</MessageBarTitle>
            <ul aria-label="What activation still needs">
              {notice.problems?.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      )}
      {notice?.kind === "error" && notice.error && <ErrorState error={notice.error} />}
      <TabList selectedValue={step} onTabSelect={(_e, d) => setStep(d.value as Step)} aria-label="Program design steps">
        <Tab value="discover">1. Discover</Tab>
        <Tab value="design">2. Design</Tab>
        <Tab value="deliver">3. Deliver</Tab>
        <Tab value="measure">4. Measure</Tab>
      </TabList>
      {step === "discover" && <DiscoverStep draft={draft} update={update} />}
      {step === "design" && (
        <DesignStep api={api} draft={draft} update={update} kpis={kpis} addKpi={(k) => setKpis((all) => [...all, k])} />
      )}
      {step === "deliver" && <DeliverStep api={api} draft={draft} update={update} teams={initial.teams} />}
      {step === "measure" &&
        (draft.id ? <MeasureView api={api} programId={draft.id} /> : <Empty title="Save the program to measure it" />)}
    </div>
  );
}

function DiscoverStep({ draft, update }: { draft: Draft; update: (p: Partial<Draft>) => void }) {
  const s = useLayout();
  const discover = (patch: Partial<Draft["discover"]>) => update({ discover: { ...draft.discover, ...patch } });
  return (
    <div className={s.stack} style={{ maxWidth: 720 }}>
      <Field label="Program name" required>
        <Input value={draft.name} onChange={(_e, d) => update({ name: d.value })} />
      </Field>
      <Field label="The problem today">
        <Textarea value={draft.discover.problemToday} onChange={(_e, d) => discover({ problemToday: d.value })} />
      </Field>
      <Field label="The desired state">
        <Textarea value={draft.discover.desiredState} onChange={(_e, d) => discover({ desiredState: d.value })} />
      </Field>
      <Field label="Barriers (one per line)">
        <Textarea
          value={draft.discover.barriers.join("\n")}
          onChange={(_e, d) =>
            discover({ barriers: d.value.split("\n").filter((l, i, all) => l.trim() || i === all.length - 1) })
          }
        />
      </Field>
      <Field label="Strategic objective it serves">
        <Input
          value={draft.discover.strategicObjective}
          onChange={(_e, d) => discover({ strategicObjective: d.value })}
        />
      </Field>
    </div>
  );
}

function DesignStep({
  api,
  draft,
  update,
  kpis,
  addKpi,
}: {
  api: Api;
  draft: Draft;
  update: (p: Partial<Draft>) => void;
  kpis: Kpi[];
  addKpi: (k: Kpi) => void;
}) {
  const s = useLayout();
  return (
    <div className={s.stack}>
      <Panel title="Business outcome" subtitle="The one KPI this program serves">
        <Field label="Outcome KPI">
          <Select value={draft.outcomeKpiId ?? ""} onChange={(_e, d) => update(withOutcome(draft, d.value || null))}>
            <option value="">Choose a KPI…</option>
            {kpis.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name} ({k.baseline.value}
                {k.unit} → {k.target ? `${k.target.value}${k.unit}` : "no target"})
              </option>
            ))}
          </Select>
        </Field>
        {kpis.length > 1 && (
          <fieldset style={{ border: "none", padding: 0 }}>
            <legend>Leading metrics the behaviours should move first</legend>
            {kpis
              .filter((k) => k.id !== draft.outcomeKpiId)
              .map((k) => (
                <Checkbox
                  key={k.id}
                  label={k.name}
                  checked={draft.leadingKpiIds.includes(k.id)}
                  onChange={(_e, d) => update(withLeading(draft, k.id, Boolean(d.checked)))}
                />
              ))}
          </fieldset>
        )}
        <NewKpiForm
          api={api}
          created={(k) => {
            addKpi(k);
            update({ outcomeKpiId: k.id });
          }}
        />
      </Panel>
      <ChainEditor draft={draft} update={update} kpiNames={Object.fromEntries(kpis.map((k) => [k.id, k.name]))} />
      <AssetsEditor api={api} draft={draft} />
    </div>
  );
}

function NewKpiForm({ api, created }: { api: Api; created: (k: Kpi) => void }) {
  const s = useLayout();
  const [f, setF] = useState({
    name: "",
    unit: "%",
    direction: "higher_is_better",
    baseline: "",
    baselineDate: "",
    target: "",
    targetDate: "",
    level: "team",
  });
  const [error, setError] = useState<Error | null>(null);
  const set = (k: keyof typeof f) => (_e: unknown, d: { value: string }) => setF((x) => ({ ...x, [k]: d.value }));
  const submit = async () => {
    setError(null);
    try {
      const result = await api.post<Kpi>("/kpis", {
        name: f.name,
        unit: f.unit,
        direction: f.direction,
        baseline: { value: Number(f.baseline), date: f.baselineDate },
        target: { value: Number(f.target), date: f.targetDate },
        level: f.level,
      });
      created(result.data);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <details>
      <summary>Define a new KPI</summary>
      <div className={s.grid} style={{ marginTop: 8 }}>
        <Field label="KPI name">
          <Input value={f.name} onChange={set("name")} />
        </Field>
        <Field label="Unit">
          <Input value={f.unit} onChange={set("unit")} />
        </Field>
        <Field label="Direction">
          <Select value={f.direction} onChange={set("direction")}>
            <option value="higher_is_better">Higher is better</option>
            <option value="lower_is_better">Lower is better</option>
          </Select>
        </Field>
        <Field label="Measured per">
          <Select value={f.level} onChange={set("level")}>
            <option value="team">Team</option>
            <option value="organisation">Organisation</option>
          </Select>
        </Field>
        <Field label="Baseline value">
          <Input type="number" value={f.baseline} onChange={set("baseline")} />
        </Field>
        <Field label="Baseline date">
          <Input type="date" value={f.baselineDate} onChange={set("baselineDate")} />
        </Field>
        <Field label="Target value">
          <Input type="number" value={f.target} onChange={set("target")} />
        </Field>
        <Field label="Target date">
          <Input type="date" value={f.targetDate} onChange={set("targetDate")} />
        </Field>
      </div>
      {error && <ErrorState error={error} />}
      <Button onClick={submit} style={{ marginTop: 8 }}>
        Create KPI
      </Button>
    </details>
  );
}

function ChainEditor({
  draft,
  update,
  kpiNames,
}: {
  draft: Draft;
  update: (p: Partial<Draft>) => void;
  kpiNames: Record<string, string>;
}) {
  const s = useLayout();
  const [skill, setSkill] = useState("");
  const [behaviour, setBehaviour] = useState("");
  const [skillIds, setSkillIds] = useState<string[]>([]);
  const [levels, setLevels] = useState("Not yet, Sometimes, Consistently");
  const [metricIds, setMetricIds] = useState<string[]>([]);
  const chain = draft.chain;
  // Once a program has started, observations name its behaviours: the server refuses to drop them.
  const editable = draft.status === "draft";
  const metrics = [draft.outcomeKpiId, ...draft.leadingKpiIds].filter((id): id is string => Boolean(id));
  const addSkill = () => {
    if (!skill.trim()) return;
    update({
      chain: { ...chain, skills: [...chain.skills, { id: slug(skill), name: skill.trim(), description: "" }] },
    });
    setSkill("");
  };
  const addBehaviour = () => {
    if (!behaviour.trim() || !draft.outcomeKpiId) return;
    const chosenMetrics = metricIds.filter((id) => metrics.includes(id));
    update({
      chain: {
        ...chain,
        behaviours: [
          ...chain.behaviours,
          {
            id: slug(behaviour),
            name: behaviour.trim(),
            skillIds,
            rubric: {
              levels: levels
                .split(",")
                .map((l) => l.trim())
                .filter(Boolean),
            },
            kpiIds: chosenMetrics.length > 0 ? chosenMetrics : [draft.outcomeKpiId],
          },
        ],
      },
    });
    setBehaviour("");
    setSkillIds([]);
    setMetricIds([]);
  };
  return (
    <Panel title="Skills → behaviours → metrics" subtitle="What people learn, what they do differently, what it moves">
      <div className={s.grid}>
        <div>
          <Text weight="semibold">Skills</Text>
          <ul aria-label="Skills">
            {chain.skills.map((k) => {
              const usedBy = chain.behaviours.filter((b) => b.skillIds.includes(k.id)).map((b) => b.name);
              return (
                <li key={k.id}>
                  {k.name}
                  {editable && (
                    <RemoveButton
                      what={`skill ${k.name}`}
                      blockedBy={usedBy.length ? `used by ${usedBy.join(", ")}` : undefined}
                      remove={() => update({ chain: { ...chain, skills: chain.skills.filter((x) => x.id !== k.id) } })}
                    />
                  )}
                </li>
              );
            })}
          </ul>
          <div className={s.row}>
            <Field label="New skill">
              <Input value={skill} onChange={(_e, d) => setSkill(d.value)} />
            </Field>
            <Button onClick={addSkill}>Add skill</Button>
          </div>
        </div>
        <div>
          <Text weight="semibold">Behaviours (rated on a rubric; the top level counts as adopted)</Text>
          <ul aria-label="Behaviours">
            {chain.behaviours.map((b) => (
              <li key={b.id}>
                {b.name} — skills: {b.skillIds.join(", ")}; rubric: {b.rubric.levels.join(" → ")}; moves:{" "}
                {b.kpiIds.join(", ")}
                {editable && (
                  <RemoveButton
                    what={`behaviour ${b.name}`}
                    remove={() =>
                      update({ chain: { ...chain, behaviours: chain.behaviours.filter((x) => x.id !== b.id) } })
                    }
                  />
                )}
              </li>
            ))}
          </ul>
          {!draft.outcomeKpiId && <Text>Choose the outcome KPI first: every behaviour must move a metric.</Text>}
          <Field label="New behaviour">
            <Input value={behaviour} onChange={(_e, d) => setBehaviour(d.value)} />
          </Field>
          <fieldset style={{ border: "none", padding: 0 }}>
            <legend>Supported by skills</legend>
            {chain.skills.map((k) => (
              <Checkbox
                key={k.id}
                label={k.name}
                checked={skillIds.includes(k.id)}
                onChange={(_e, d) => setSkillIds((ids) => (d.checked ? [...ids, k.id] : ids.filter((i) => i !== k.id)))}
              />
            ))}
          </fieldset>
          {metrics.length > 1 && (
            <fieldset style={{ border: "none", padding: 0 }}>
              <legend>Metrics it should move (the outcome KPI if none)</legend>
              {metrics.map((id) => (
                <Checkbox
                  key={id}
                  label={kpiNames[id] ?? id}
                  checked={metricIds.includes(id)}
                  onChange={(_e, d) => setMetricIds((ids) => (d.checked ? [...ids, id] : ids.filter((i) => i !== id)))}
                />
              ))}
            </fieldset>
          )}
          <Field label="Rubric levels, lowest first (comma-separated)">
            <Input value={levels} onChange={(_e, d) => setLevels(d.value)} />
          </Field>
          <Button onClick={addBehaviour} disabled={!draft.outcomeKpiId || skillIds.length === 0}>
            Add behaviour
          </Button>
        </div>
      </div>
    </Panel>
  );
}

/** Takes an item out of the draft (kept on Save); while something depends on it, says what instead. */
function RemoveButton({ what, blockedBy, remove }: { what: string; blockedBy?: string; remove: () => void }) {
  if (blockedBy)
    return (
      <Text size={200} style={{ marginLeft: 8 }}>
        ({blockedBy})
      </Text>
    );
  return (
    <Button size="small" appearance="subtle" aria-label={`Remove ${what}`} onClick={remove} style={{ marginLeft: 8 }}>
      Remove
    </Button>
  );
}

const kinds = [
  ["micro_challenge", "Micro-challenge (managers)"],
  ["talk_track", "Talk track (managers)"],
  ["conversation_guide", "Conversation guide (managers)"],
  ["observation_checklist", "Observation checklist (managers)"],
  ["nudge", "Nudge (learners)"],
  ["skills_check", "Skills check (learners)"],
] as const;

function contentFor(kind: string, main: string, extra: string): Record<string, unknown> {
  const list = (t: string) =>
    t
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
  switch (kind) {
    case "micro_challenge":
      return { task: main, reflectionPrompt: extra };
    case "talk_track":
      return { intro: extra, steps: list(main) };
    case "conversation_guide":
      return { opening: extra, questions: list(main), closing: "" };
    case "observation_checklist":
      return { instructions: main };
    case "nudge":
      return { prompt: main, style: "practice" };
    default: {
      const [question = "", ...options] = list(main);
      return { questions: [{ id: "q1", text: question, options, correctIndex: Math.max(0, Number(extra) - 1 || 0) }] };
    }
  }
}

const fieldLabels: Record<string, [string, string | null]> = {
  micro_challenge: ["Task", "Reflection prompt"],
  talk_track: ["Steps (one per line)", "Intro"],
  conversation_guide: ["Questions (one per line)", "Opening"],
  observation_checklist: ["Instructions", null],
  nudge: ["Prompt", null],
  skills_check: ["Question, then one option per line", "Number of the correct option"],
};

function AssetsEditor({ api, draft }: { api: Api; draft: Draft }) {
  const s = useLayout();
  const theme = useContext(ThemeContext);
  const [kind, setKind] = useState<string>("micro_challenge");
  const [title, setTitle] = useState("");
  const [main, setMain] = useState("");
  const [extra, setExtra] = useState("");
  const [behaviourId, setBehaviourId] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const programId = draft.id;
  const load = useLoad(
    async () => (programId ? (await api.get<{ items: Asset[] }>(`/programs/${programId}/assets`)).data.items : []),
    programId ?? "none",
  );
  if (!programId) {
    return (
      <Panel title="Assets" subtitle="Challenges, talk tracks, checklists, nudges, skills checks">
        <Empty title="Save the program first">Assets belong to a saved program.</Empty>
      </Panel>
    );
  }
  const content = contentFor(kind, main, extra);
  const add = async () => {
    setError(null);
    try {
      await api.post(`/programs/${programId}/assets`, {
        kind,
        title,
        behaviourIds: behaviourId ? [behaviourId] : draft.chain.behaviours.slice(0, 1).map((b) => b.id),
        content,
      });
      setTitle("");
      setMain("");
      setExtra("");
      load.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  // Deleted at once (an asset is its own record, not part of the program's draft); the server refuses while
  // the saved schedule still sends it.
  const removeAsset = async (assetId: string) => {
    setError(null);
    try {
      await api.del(`/programs/${programId}/assets/${assetId}`);
      load.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const [mainLabel, extraLabel] = fieldLabels[kind] ?? ["Text", null];
  return (
    <Panel
      title="Assets"
      subtitle="Challenges, talk tracks, checklists, nudges, skills checks — previewed as the card people get"
    >
      <Loaded load={load} label="Loading assets…">
        {(assets) =>
          assets.length === 0 ? (
            <Text>No assets yet.</Text>
          ) : (
            <ul aria-label="Assets">
              {assets.map((a) => (
                <li key={a.id}>
                  {a.title} <Badge appearance="outline">{a.kind.replace("_", " ")}</Badge>
                  {draft.status === "draft" && (
                    <RemoveButton
                      what={`asset ${a.title}`}
                      blockedBy={draft.schedule.entries.some((e) => e.assetId === a.id) ? "on the schedule" : undefined}
                      remove={() => void removeAsset(a.id)}
                    />
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <div className={s.grid}>
        <div className={s.stack}>
          <Field label="Kind">
            <Select value={kind} onChange={(_e, d) => setKind(d.value)}>
              {kinds.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Title">
            <Input value={title} onChange={(_e, d) => setTitle(d.value)} />
          </Field>
          <Field label="Behaviour it reinforces">
            <Select value={behaviourId} onChange={(_e, d) => setBehaviourId(d.value)}>
              <option value="">{draft.chain.behaviours[0]?.name ?? "Add a behaviour first"}</option>
              {draft.chain.behaviours.slice(1).map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={mainLabel}>
            <Textarea value={main} onChange={(_e, d) => setMain(d.value)} />
          </Field>
          {extraLabel && (
            <Field label={extraLabel}>
              <Input value={extra} onChange={(_e, d) => setExtra(d.value)} />
            </Field>
          )}
          {error && <ErrorState error={error} />}
          <Button onClick={add} disabled={draft.chain.behaviours.length === 0}>
            Add asset
          </Button>
        </div>
        <div>
          <Text weight="semibold">Live preview</Text>
          <CardPreview asset={{ kind, title, content }} theme={theme} />
        </div>
      </div>
    </Panel>
  );
}

const weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function DeliverStep({
  api,
  draft,
  update,
  teams,
}: {
  api: Api;
  draft: Draft;
  update: (p: Partial<Draft>) => void;
  teams: { id: string; name: string; members: number }[];
}) {
  const s = useLayout();
  const [assetId, setAssetId] = useState("");
  const [weekday, setWeekday] = useState("2");
  const [time, setTime] = useState("09:00");
  const [every, setEvery] = useState("1");
  const [phase, setPhase] = useState<"pre" | "post">("pre");
  const assets = useLoad(
    async () => (draft.id ? (await api.get<{ items: Asset[] }>(`/programs/${draft.id}/assets`)).data.items : []),
    draft.id ?? "none",
  );
  // Teams imported from a roster here appear at once, without reopening the program (and its unsaved edits).
  const [teamList, setTeamList] = useState(teams);
  const refreshTeams = async () =>
    setTeamList((await api.get<{ items: { id: string; name: string; members: number }[] }>("/teams")).data.items);
  const roleOf = (teamId: string) => draft.teams.find((t) => t.teamId === teamId)?.role ?? "";
  const setRole = (teamId: string, role: string) =>
    update({
      teams: [
        ...draft.teams.filter((t) => t.teamId !== teamId),
        ...(role ? [{ teamId, role: role as "pilot" | "comparison" }] : []),
      ],
    });
  const window = draft.window ?? { start: "", end: "" };
  const setWindow = (patch: Partial<{ start: string; end: string }>) => {
    const next = { ...window, ...patch };
    update({ window: next.start || next.end ? next : null });
  };
  const addEntry = (list: Asset[]) => {
    const asset = list.find((a) => a.id === (assetId || list[0]?.id));
    if (!asset) return;
    const learners = asset.kind === "nudge" || asset.kind === "skills_check";
    const id = `${slug(asset.id).slice(0, 30)}-${draft.schedule.entries.length + 1}`;
    // A skills check is taken twice: in the first week (pre) and in the last (post).
    const entry =
      asset.kind === "skills_check"
        ? {
            id,
            assetId: asset.id,
            audience: "learners" as const,
            cadence: { kind: "once" as const, week: phase === "pre" ? 1 : ("last" as const), weekday: Number(weekday) },
            localTime: time,
            phase,
          }
        : {
            id,
            assetId: asset.id,
            audience: learners ? ("learners" as const) : ("managers" as const),
            cadence: { kind: "weekly" as const, weekdays: [Number(weekday)], everyWeeks: Number(every), fromWeek: 1 },
            localTime: time,
          };
    update({ schedule: { ...draft.schedule, entries: [...draft.schedule.entries, entry] } });
  };
  return (
    <div className={s.stack}>
      <Panel
        title="Teams"
        subtitle="Pilot teams get the program; comparison teams get nothing and show the difference it makes"
      >
        {teamList.length === 0 ? (
          <Empty title="No teams yet">Import them from a roster file below.</Empty>
        ) : (
          <div className={s.grid}>
            {teamList.map((t) => (
              <Field key={t.id} label={`${t.name} (${t.members} members)`}>
                <Select value={roleOf(t.id)} onChange={(_e, d) => setRole(t.id, d.value)}>
                  <option value="">Not in this program</option>
                  <option value="pilot">Pilot</option>
                  <option value="comparison">Comparison</option>
                </Select>
              </Field>
            ))}
          </div>
        )}
        <RosterImport api={api} imported={() => void refreshTeams()} />
        <DirectoryRoster api={api} imported={() => void refreshTeams()} />
      </Panel>
      <Panel title="Window and schedule" subtitle="Cards arrive at the local time in each person's own time zone">
        <div className={s.row}>
          <Field label="Starts">
            <Input type="date" value={window.start} onChange={(_e, d) => setWindow({ start: d.value })} />
          </Field>
          <Field label="Ends">
            <Input type="date" value={window.end} onChange={(_e, d) => setWindow({ end: d.value })} />
          </Field>
        </div>
        <ul aria-label="Schedule">
          {draft.schedule.entries.map((e) => (
            <li key={e.id}>
              {e.assetId} to {e.audience}:{" "}
              {e.cadence.kind === "weekly"
                ? `${e.cadence.everyWeeks === 1 ? "every" : `every ${e.cadence.everyWeeks} weeks on`} ${e.cadence.weekdays.map((d) => weekdays[d - 1]).join(", ")}`
                : `once, ${e.cadence.week === "last" ? "the last week" : `week ${e.cadence.week}`} on ${weekdays[e.cadence.weekday - 1]}`}
              {e.phase ? ` (${e.phase} check)` : ""} at {e.localTime}
              {draft.status === "draft" && (
                <RemoveButton
                  what={`${e.assetId} from the schedule`}
                  remove={() =>
                    update({
                      schedule: { ...draft.schedule, entries: draft.schedule.entries.filter((x) => x.id !== e.id) },
                    })
                  }
                />
              )}
            </li>
          ))}
        </ul>
        <Loaded load={assets} label="Loading assets…">
          {(list) =>
            list.length === 0 ? (
              <Text>Add assets in Design to schedule them.</Text>
            ) : (
              <div className={s.row}>
                <Field label="Asset">
                  <Select value={assetId || list[0]?.id} onChange={(_e, d) => setAssetId(d.value)}>
                    {list.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.title}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field label="Day">
                  <Select value={weekday} onChange={(_e, d) => setWeekday(d.value)}>
                    {weekdays.map((w, i) => (
                      <option key={w} value={String(i + 1)}>
                        {w}
                      </option>
                    ))}
                  </Select>
                </Field>
                <Field label="Local time">
                  <Input type="time" value={time} onChange={(_e, d) => setTime(d.value)} />
                </Field>
                {list.find((a) => a.id === (assetId || list[0]?.id))?.kind === "skills_check" && (
                  <Field label="Phase">
                    <Select value={phase} onChange={(_e, d) => setPhase(d.value as "pre" | "post")}>
                      <option value="pre">Before (first week)</option>
                      <option value="post">After (last week)</option>
                    </Select>
                  </Field>
                )}
                <Field label="Every">
                  <Select value={every} onChange={(_e, d) => setEvery(d.value)}>
                    <option value="1">week</option>
                    <option value="2">2 weeks</option>
                    <option value="4">4 weeks</option>
                  </Select>
                </Field>
                <Button onClick={() => addEntry(list)}>Add to schedule</Button>
              </div>
            )
          }
        </Loaded>
      </Panel>
      {draft.id && <ReachPanel api={api} programId={draft.id} />}
    </div>
  );
}
