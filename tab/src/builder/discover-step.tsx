import { Field, Input, Select, Textarea } from "@fluentui/react-components";
import type { MeView, TeamSummary } from "../api/index.js";
import { ruleAt } from "../issues.js";
import { Panel, useLayout } from "../layout.js";
import type { Draft } from "./draft.js";
import { OwnersEditor } from "./owners-editor.js";

/** Step 1: why the program exists, how often it is reviewed, and who owns it. */
export function DiscoverStep({
  draft,
  update,
  me,
  teams,
  issues,
}: {
  draft: Draft;
  update: (p: Partial<Draft>) => void;
  me: MeView;
  teams: TeamSummary[];
  issues: Map<string, string>;
}) {
  const s = useLayout();
  const discover = (patch: Partial<Draft["discover"]>) => update({ discover: { ...draft.discover, ...patch } });
  return (
    <div className={s.stack}>
      <Panel title="Purpose" subtitle="The problem this program solves and the business objective it serves">
        <div className={s.stack} style={{ maxWidth: 720 }}>
          <Field label="Program name" required validationMessage={ruleAt(issues, "name")}>
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
      </Panel>
      <Panel title="Review and owners" subtitle="How often the program's results are reviewed, and who answers for it">
        <div className={s.stack} style={{ maxWidth: 720 }}>
          <Field label="Review cadence" hint="The monthly review page and its exports follow this cadence.">
            <Select
              value={draft.reviewCadence}
              onChange={(_e, d) => update({ reviewCadence: d.value as Draft["reviewCadence"] })}
            >
              <option value="weekly">Weekly</option>
              <option value="monthly">Monthly</option>
              <option value="quarterly">Quarterly</option>
            </Select>
          </Field>
          <OwnersEditor owners={draft.owners} change={(owners) => update({ owners })} me={me} teams={teams} />
        </div>
      </Panel>
    </div>
  );
}
