import { Button, Field, Input, Select } from "@fluentui/react-components";
import { useState } from "react";
import type { Kpi } from "../../../src/domain/kpi.js";
import type { Api } from "../api/index.js";
import { issuesByField, ruleAt } from "../issues.js";
import { useLayout } from "../layout.js";
import { ErrorState, Saved } from "../states.js";
import { useMutation } from "../use-mutation.js";

const blank = {
  name: "",
  unit: "%",
  direction: "higher_is_better" as Kpi["direction"],
  baseline: "",
  baselineDate: "",
  target: "",
  targetDate: "",
  level: "team" as Kpi["level"],
};

/** A blank number is sent as no number, so the server names the field instead of storing 0. */
const numberOf = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

/** A KPI with baseline and target, created at once (KPIs are shared by programs); says it was, or why not. */
export function NewKpiForm({ api, created }: { api: Api; created: (k: Kpi) => void }) {
  const s = useLayout();
  const [f, setF] = useState(blank);
  const create = useMutation(async () => {
    const kpi = await api.kpis.create({
      name: f.name,
      unit: f.unit,
      direction: f.direction,
      baseline: { value: numberOf(f.baseline), date: f.baselineDate },
      target: { value: numberOf(f.target), date: f.targetDate },
      level: f.level,
    });
    created(kpi);
    setF(blank);
    return kpi;
  });
  const set = (k: keyof typeof f) => (_e: unknown, d: { value: string }) => {
    create.reset();
    setF((x) => ({ ...x, [k]: d.value }));
  };
  const issues = issuesByField(create.error);
  const at = (field: string) => ruleAt(issues, field);
  return (
    <details>
      <summary>Define a new KPI</summary>
      <div className={s.grid} style={{ marginTop: 8 }}>
        <Field label="KPI name" validationMessage={at("name")}>
          <Input value={f.name} onChange={set("name")} />
        </Field>
        <Field label="Unit" validationMessage={at("unit")}>
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
        <Field label="Baseline value" validationMessage={at("baseline.value")}>
          <Input type="number" value={f.baseline} onChange={set("baseline")} />
        </Field>
        <Field label="Baseline date" validationMessage={at("baseline.date")}>
          <Input type="date" value={f.baselineDate} onChange={set("baselineDate")} />
        </Field>
        <Field label="Target value" validationMessage={at("target.value")}>
          <Input type="number" value={f.target} onChange={set("target")} />
        </Field>
        <Field label="Target date" validationMessage={at("target.date")}>
          <Input type="date" value={f.targetDate} onChange={set("targetDate")} />
        </Field>
      </div>
      <div className={s.stack} style={{ marginTop: 8 }}>
        {create.error && <ErrorState error={create.error} />}
        {create.result && <Saved>KPI "{create.result.name}" created.</Saved>}
        <div className={s.row}>
          <Button onClick={() => void create.run()} disabled={create.busy}>
            Create KPI
          </Button>
        </div>
      </div>
    </details>
  );
}
