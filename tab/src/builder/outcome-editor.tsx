import { Checkbox, Field, Select } from "@fluentui/react-components";
import type { Kpi } from "../../../src/domain/kpi.js";
import type { Api } from "../api/index.js";
import { Panel, useLayout } from "../layout.js";
import { type Draft, withLeading, withOutcome } from "./draft.js";
import { NewKpiForm } from "./new-kpi-form.js";

const figure = (k: Kpi) =>
  `${k.name} (${k.baseline.value}${k.unit} → ${k.target ? `${k.target.value}${k.unit}` : "no target"})`;

export function OutcomeEditor({
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
  const others = kpis.filter((k) => k.id !== draft.outcomeKpiId);
  return (
    <Panel title="Business outcome" subtitle="The one KPI this program serves, and the metrics that should move first">
      <Field label="Outcome KPI">
        <Select value={draft.outcomeKpiId ?? ""} onChange={(_e, d) => update(withOutcome(draft, d.value || null))}>
          <option value="">Choose a KPI…</option>
          {kpis.map((k) => (
            <option key={k.id} value={k.id}>
              {figure(k)}
            </option>
          ))}
        </Select>
      </Field>
      {others.length > 0 && (
        <fieldset className={s.bare}>
          <legend>Leading metrics the behaviours should move first</legend>
          {others.map((k) => (
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
          if (!draft.outcomeKpiId) update(withOutcome(draft, k.id));
        }}
      />
    </Panel>
  );
}
