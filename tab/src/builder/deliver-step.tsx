import { Field, Input } from "@fluentui/react-components";
import type { Asset } from "../../../src/domain/asset.js";
import type { Api, TeamSummary } from "../api/index.js";
import { DirectoryRoster } from "../directory-roster.js";
import { ruleAt } from "../issues.js";
import { Panel, useLayout } from "../layout.js";
import { ReachPanel } from "../reach-panel.js";
import { RosterImport } from "../roster-import.js";
import { DeliveryRulesEditor } from "./delivery-rules-editor.js";
import type { Draft } from "./draft.js";
import { ScheduleEditor } from "./schedule-editor.js";
import { TeamsEditor } from "./teams-editor.js";

/** Step 3: who takes part (pilot and comparison teams), when (window and schedule), and the sending rules. */
export function DeliverStep({
  api,
  draft,
  update,
  teams,
  teamsChanged,
  assets,
  issues,
}: {
  api: Api;
  draft: Draft;
  update: (p: Partial<Draft>) => void;
  teams: TeamSummary[];
  teamsChanged: () => Promise<void>;
  assets: Asset[];
  issues: Map<string, string>;
}) {
  const s = useLayout();
  const window = draft.window ?? { start: "", end: "" };
  const setWindow = (patch: Partial<{ start: string; end: string }>) => {
    const next = { ...window, ...patch };
    update({ window: next.start || next.end ? next : null });
  };
  return (
    <div className={s.stack}>
      <Panel
        title="Teams"
        subtitle="Pilot teams get the program; comparison teams get nothing and show the difference it makes"
      >
        <TeamsEditor teams={teams} chosen={draft.teams} change={(chosen) => update({ teams: chosen })} />
        <RosterImport api={api} imported={() => void teamsChanged()} />
        <DirectoryRoster api={api} imported={() => void teamsChanged()} />
      </Panel>
      <Panel title="Window and schedule" subtitle="Cards arrive at the local time in each person's own time zone">
        <div className={s.row} style={{ alignItems: "flex-start" }}>
          <Field label="Starts" validationMessage={ruleAt(issues, "window.start")}>
            <Input type="date" value={window.start} onChange={(_e, d) => setWindow({ start: d.value })} />
          </Field>
          <Field label="Ends" validationMessage={ruleAt(issues, "window.end")}>
            <Input type="date" value={window.end} onChange={(_e, d) => setWindow({ end: d.value })} />
          </Field>
        </div>
        <ScheduleEditor draft={draft} update={update} assets={assets} issues={issues} />
      </Panel>
      <Panel
        title="Sending rules"
        subtitle="Across every program, so nobody is flooded; a behaviour comes back at growing intervals"
      >
        <DeliveryRulesEditor schedule={draft.schedule} change={(schedule) => update({ schedule })} issues={issues} />
      </Panel>
      {draft.id && <ReachPanel api={api} programId={draft.id} />}
    </div>
  );
}
