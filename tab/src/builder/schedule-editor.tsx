import { Button, Checkbox, Field, Input, Select, Text } from "@fluentui/react-components";
import { useState } from "react";
import type { Asset } from "../../../src/domain/asset.js";
import { ruleAt } from "../issues.js";
import { useLayout } from "../layout.js";
import type { Draft } from "./draft.js";
import { RemoveButton } from "./remove-button.js";
import { describeEntry, type EntryForm, entryFrom, newEntryForm, weekdayNames } from "./schedule-lines.js";

/** The schedule as sentences by asset title, and a form to add an entry: days, how often, local time. */
export function ScheduleEditor({
  draft,
  update,
  assets,
  issues,
}: {
  draft: Draft;
  update: (p: Partial<Draft>) => void;
  assets: Asset[];
  issues: Map<string, string>;
}) {
  const s = useLayout();
  const [form, setForm] = useState<EntryForm>(newEntryForm);
  const titles = new Map(assets.map((a) => [a.id, a.title]));
  const entries = draft.schedule.entries;
  const asset = assets.find((a) => a.id === form.assetId) ?? assets[0];
  const once = asset?.kind === "skills_check";
  const set = (patch: Partial<EntryForm>) => setForm((f) => ({ ...f, ...patch }));
  const add = () => {
    if (!asset || form.weekdays.length === 0) return;
    const entry = entryFrom(
      { ...form, weekdays: once ? form.weekdays.slice(0, 1) : form.weekdays },
      asset,
      entries.map((e) => e.id),
    );
    update({ schedule: { ...draft.schedule, entries: [...entries, entry] } });
  };
  return (
    <div className={s.stack}>
      {entries.length === 0 ? (
        <Text>Nothing scheduled yet.</Text>
      ) : (
        <ul aria-label="Schedule" className={s.list}>
          {entries.map((e, i) => (
            <li key={e.id}>
              <span>{describeEntry(e, titles.get(e.assetId))}</span>
              {ruleAt(issues, `schedule.entries.${i}`) && (
                <Text role="alert"> — {ruleAt(issues, `schedule.entries.${i}`)}</Text>
              )}
              {draft.status === "draft" && (
                <RemoveButton
                  what={`${titles.get(e.assetId) ?? "the deleted asset"} from the schedule`}
                  remove={() =>
                    update({ schedule: { ...draft.schedule, entries: entries.filter((x) => x.id !== e.id) } })
                  }
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {assets.length === 0 ? (
        <Text>Add assets in Design to schedule them.</Text>
      ) : (
        <fieldset className={s.group}>
          <legend>Add to the schedule</legend>
          <div className={s.row} style={{ alignItems: "flex-start" }}>
            <Field label="Asset">
              <Select value={asset?.id ?? ""} onChange={(_e, d) => set({ assetId: d.value })}>
                {assets.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.title}
                  </option>
                ))}
              </Select>
            </Field>
            {once ? (
              <>
                <Field label="Taken">
                  <Select value={form.phase} onChange={(_e, d) => set({ phase: d.value as EntryForm["phase"] })}>
                    <option value="pre">Before the program (its first week)</option>
                    <option value="post">After the program (its last week)</option>
                  </Select>
                </Field>
                <Field label="Day">
                  <Select
                    value={String(form.weekdays[0] ?? 1)}
                    onChange={(_e, d) => set({ weekdays: [Number(d.value)] })}
                  >
                    {weekdayNames.map((w, i) => (
                      <option key={w} value={String(i + 1)}>
                        {w}
                      </option>
                    ))}
                  </Select>
                </Field>
              </>
            ) : (
              <>
                <Field label="Every">
                  <Select value={String(form.everyWeeks)} onChange={(_e, d) => set({ everyWeeks: Number(d.value) })}>
                    <option value="1">week</option>
                    <option value="2">other week</option>
                    <option value="3">3 weeks</option>
                    <option value="4">4 weeks</option>
                  </Select>
                </Field>
                <Field label="From week">
                  <Input
                    type="number"
                    min={1}
                    max={104}
                    value={String(form.fromWeek)}
                    onChange={(_e, d) => set({ fromWeek: Math.max(1, Number(d.value) || 1) })}
                  />
                </Field>
              </>
            )}
            <Field label="Local time">
              <Input type="time" value={form.localTime} onChange={(_e, d) => set({ localTime: d.value })} />
            </Field>
          </div>
          {!once && (
            <fieldset className={s.bare}>
              <legend>On</legend>
              <div className={s.row}>
                {weekdayNames.map((w, i) => (
                  <Checkbox
                    key={w}
                    label={w}
                    checked={form.weekdays.includes(i + 1)}
                    onChange={(_e, d) =>
                      set({
                        weekdays: d.checked ? [...form.weekdays, i + 1] : form.weekdays.filter((x) => x !== i + 1),
                      })
                    }
                  />
                ))}
              </div>
            </fieldset>
          )}
          <div className={s.row}>
            <Button onClick={add} disabled={form.weekdays.length === 0}>
              Add to schedule
            </Button>
            {form.weekdays.length === 0 && <Text>Pick at least one day.</Text>}
          </div>
        </fieldset>
      )}
    </div>
  );
}
