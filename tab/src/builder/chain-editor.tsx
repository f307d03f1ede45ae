import { Button, Checkbox, Field, Input, Text } from "@fluentui/react-components";
import { useState } from "react";
import type { Kpi } from "../../../src/domain/kpi.js";
import { Panel, useLayout } from "../layout.js";
import { type Draft, idFor } from "./draft.js";
import { RemoveButton } from "./remove-button.js";

/** "Needs discovery, Active listening": ids said by name; one the list does not know is said to be missing. */
export function namesOf(ids: readonly string[], names: ReadonlyMap<string, string>, missing: string): string {
  return ids.map((id) => names.get(id) ?? missing).join(", ");
}

/** Skills → behaviours → metrics, each behaviour with its rubric; all by name. */
export function ChainEditor({
  draft,
  update,
  kpis,
}: {
  draft: Draft;
  update: (p: Partial<Draft>) => void;
  kpis: Kpi[];
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
  const kpiNames = new Map(kpis.map((k) => [k.id, k.name]));
  const skillNames = new Map(chain.skills.map((k) => [k.id, k.name]));
  const addSkill = () => {
    if (!skill.trim()) return;
    const id = idFor(
      skill,
      chain.skills.map((k) => k.id),
    );
    update({ chain: { ...chain, skills: [...chain.skills, { id, name: skill.trim(), description: "" }] } });
    setSkill("");
  };
  const addBehaviour = () => {
    if (!behaviour.trim() || !draft.outcomeKpiId) return;
    const chosenMetrics = metricIds.filter((id) => metrics.includes(id));
    const id = idFor(
      behaviour,
      chain.behaviours.map((b) => b.id),
    );
    const rubric = {
      levels: levels
        .split(",")
        .map((l) => l.trim())
        .filter(Boolean),
    };
    const kpiIds = chosenMetrics.length > 0 ? chosenMetrics : [draft.outcomeKpiId];
    update({
      chain: { ...chain, behaviours: [...chain.behaviours, { id, name: behaviour.trim(), skillIds, rubric, kpiIds }] },
    });
    setBehaviour("");
    setSkillIds([]);
    setMetricIds([]);
  };
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((i) => i !== id));
  return (
    <Panel title="Skills → behaviours → metrics" subtitle="What people learn, what they do differently, what it moves">
      <div className={s.grid}>
        <div className={s.stack}>
          <Text as="h4" weight="semibold" style={{ margin: 0 }}>
            Skills
          </Text>
          {chain.skills.length === 0 ? (
            <Text>No skills yet.</Text>
          ) : (
            <ul aria-label="Skills" className={s.list}>
              {chain.skills.map((k) => {
                const usedBy = chain.behaviours.filter((b) => b.skillIds.includes(k.id)).map((b) => b.name);
                return (
                  <li key={k.id}>
                    {k.name}
                    {editable && (
                      <RemoveButton
                        what={`skill ${k.name}`}
                        blockedBy={usedBy.length ? `used by ${usedBy.join(", ")}` : undefined}
                        remove={() =>
                          update({ chain: { ...chain, skills: chain.skills.filter((x) => x.id !== k.id) } })
                        }
                      />
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          <form
            className={s.row}
            style={{ alignItems: "flex-end" }}
            onSubmit={(e) => {
              e.preventDefault();
              addSkill();
            }}
          >
            <Field label="New skill">
              <Input value={skill} onChange={(_e, d) => setSkill(d.value)} />
            </Field>
            <Button type="submit">Add skill</Button>
          </form>
        </div>
        <div className={s.stack}>
          <Text as="h4" weight="semibold" style={{ margin: 0 }}>
            Behaviours (rated on a rubric; the top level counts as adopted)
          </Text>
          {chain.behaviours.length === 0 ? (
            <Text>No behaviours yet.</Text>
          ) : (
            <ul aria-label="Behaviours" className={s.list}>
              {chain.behaviours.map((b) => (
                <li key={b.id}>
                  <Text weight="semibold">{b.name}</Text> — supported by{" "}
                  {namesOf(b.skillIds, skillNames, "a removed skill")}; rated {b.rubric.levels.join(" → ")}; moves{" "}
                  {namesOf(b.kpiIds, kpiNames, "a KPI that no longer exists")}
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
          )}
          {!draft.outcomeKpiId && <Text>Choose the outcome KPI first: every behaviour must move a metric.</Text>}
          <Field label="New behaviour">
            <Input value={behaviour} onChange={(_e, d) => setBehaviour(d.value)} />
          </Field>
          <fieldset className={s.bare}>
            <legend>Supported by skills</legend>
            {chain.skills.length === 0 && <Text>Add a skill first.</Text>}
            {chain.skills.map((k) => (
              <Checkbox
                key={k.id}
                label={k.name}
                checked={skillIds.includes(k.id)}
                onChange={(_e, d) => setSkillIds((ids) => toggle(ids, k.id, Boolean(d.checked)))}
              />
            ))}
          </fieldset>
          {metrics.length > 1 && (
            <fieldset className={s.bare}>
              <legend>Metrics it should move (the outcome KPI if none)</legend>
              {metrics.map((id) => (
                <Checkbox
                  key={id}
                  label={kpiNames.get(id) ?? "A KPI that no longer exists"}
                  checked={metricIds.includes(id)}
                  onChange={(_e, d) => setMetricIds((ids) => toggle(ids, id, Boolean(d.checked)))}
                />
              ))}
            </fieldset>
          )}
          <Field label="Rubric levels, lowest first (comma-separated)">
            <Input value={levels} onChange={(_e, d) => setLevels(d.value)} />
          </Field>
          <div className={s.row}>
            <Button onClick={addBehaviour} disabled={!draft.outcomeKpiId || skillIds.length === 0 || !behaviour.trim()}>
              Add behaviour
            </Button>
          </div>
        </div>
      </div>
    </Panel>
  );
}
