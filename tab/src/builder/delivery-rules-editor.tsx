import { Field, Input, Switch, Text } from "@fluentui/react-components";
import { useState } from "react";
import { programDefaults } from "../../../src/domain/program-defaults.js";
import type { Schedule } from "../../../src/domain/schedule.js";
import { ruleAt } from "../issues.js";
import { useLayout } from "../layout.js";

/** "2, 5, 12, 26" ↔ [2, 5, 12, 26]; anything that is not a whole number is kept for the server to name. */
export function parseSpacing(text: string): number[] {
  return text
    .split(/[,\s]+/)
    .filter((t) => t !== "")
    .map(Number);
}

const defaults = programDefaults().schedule;
const defaultQuiet = defaults.quietHours;

/** Quiet hours, the daily cap and the spacing of a behaviour's returns, with the domain's defaults. */
export function DeliveryRulesEditor({
  schedule,
  change,
  issues,
}: {
  schedule: Schedule;
  change: (schedule: Schedule) => void;
  issues: Map<string, string>;
}) {
  const s = useLayout();
  const [spacing, setSpacing] = useState(schedule.spacingDays.join(", "));
  const quiet = schedule.quietHours;
  return (
    <div className={s.stack}>
      <div className={s.row} style={{ alignItems: "flex-start" }}>
        <Switch
          label="Quiet hours: nothing is sent between"
          checked={quiet !== null}
          onChange={(_e, d) => change({ ...schedule, quietHours: d.checked ? defaultQuiet : null })}
        />
        {quiet && (
          <>
            <Field label="Quiet from" validationMessage={ruleAt(issues, "schedule.quietHours.start")}>
              <Input
                type="time"
                value={quiet.start}
                onChange={(_e, d) => change({ ...schedule, quietHours: { ...quiet, start: d.value } })}
              />
            </Field>
            <Field label="Quiet until" validationMessage={ruleAt(issues, "schedule.quietHours.end")}>
              <Input
                type="time"
                value={quiet.end}
                onChange={(_e, d) => change({ ...schedule, quietHours: { ...quiet, end: d.value } })}
              />
            </Field>
          </>
        )}
      </div>
      <div className={s.row} style={{ alignItems: "flex-start" }}>
        <Field
          label="Most cards per person per day"
          hint="Across every program"
          validationMessage={ruleAt(issues, "schedule.maxPerPersonPerDay")}
        >
          <Input
            type="number"
            min={1}
            max={20}
            value={String(schedule.maxPerPersonPerDay)}
            onChange={(_e, d) => change({ ...schedule, maxPerPersonPerDay: Number(d.value) })}
          />
        </Field>
        <Field
          label="Spacing in days"
          hint="A behaviour comes back after these many days, each longer than the last"
          validationMessage={ruleAt(issues, "schedule.spacingDays")}
        >
          <Input
            value={spacing}
            onChange={(_e, d) => {
              setSpacing(d.value);
              change({ ...schedule, spacingDays: parseSpacing(d.value) });
            }}
          />
        </Field>
      </div>
      <Text size={200}>
        Defaults: quiet from {defaultQuiet.start} to {defaultQuiet.end}, at most {defaults.maxPerPersonPerDay} cards a
        day, spacing {defaults.spacingDays.join(", ")} days.
      </Text>
    </div>
  );
}
