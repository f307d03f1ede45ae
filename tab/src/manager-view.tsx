import { Badge, Field, Select, Text } from "@fluentui/react-components";
import { useState } from "react";
import type { KpiFigures, ManagerProgramView } from "../../src/dashboard/index.js";
import type { Api } from "./api/index.js";
import { AdoptionChart, KpiChart } from "./charts.js";
import { KpiPanelNumbers } from "./kpi-numbers.js";
import { Panel, useLayout } from "./layout.js";
import { Empty, Loaded, percent } from "./states.js";
import { useLoad } from "./use-load.js";

export function ManagerTeams({ api, teams }: { api: Api; teams: { id: string; name: string }[] }) {
  const [teamId, setTeamId] = useState(teams[0]?.id ?? "");
  if (teams.length === 0)
    return <Empty title="You do not manage a team yet">Teams appear here once L&D adds them.</Empty>;
  return (
    <div>
      {teams.length > 1 && (
        <Field label="Team" style={{ maxWidth: 320 }}>
          <Select value={teamId} onChange={(_e, d) => setTeamId(d.value)}>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </Select>
        </Field>
      )}
      <TeamDashboard api={api} teamId={teamId} />
    </div>
  );
}

function TeamDashboard({ api, teamId }: { api: Api; teamId: string }) {
  const load = useLoad(() => api.teams.dashboard(teamId), teamId);
  return (
    <Loaded load={load} label="Loading your team…">
      {(view) =>
        view.programs.length === 0 ? (
          <Empty title={`${view.team.name} is not in a running program`}>Nothing to reinforce this week.</Empty>
        ) : (
          <div>
            <Text as="h2" size={600} weight="semibold">
              {view.team.name}
            </Text>
            {view.programs.map((p) => (
              <ProgramSection key={p.programId} program={p} />
            ))}
          </div>
        )
      }
    </Loaded>
  );
}

function ProgramSection({ program }: { program: ManagerProgramView }) {
  const s = useLayout();
  return (
    <section aria-label={program.programName} className={s.stack} style={{ marginTop: 16 }}>
      <div className={s.row}>
        <Text as="h3" size={500} weight="semibold" style={{ margin: 0 }}>
          {program.programName}
        </Text>
        <Badge appearance="tint" color={program.role === "pilot" ? "brand" : "informative"}>
          {program.role}
        </Badge>
        {program.status === "paused" && <Badge color="warning">paused</Badge>}
      </div>
      <div className={s.grid}>
        <Panel title="Behaviours adopted" subtitle="Share of observations at the top rubric level, by week">
          {program.observationCount === 0 ? (
            <Empty title="No observations yet">Fill in an observation checklist to see adoption here.</Empty>
          ) : (
            <>
              <AdoptionChart behaviours={program.behaviours} />
              <ul aria-label="Current adoption">
                {program.behaviours.map((b) => (
                  <li key={b.behaviourId}>
                    {b.name}: <strong>{percent(b.currentAdoption)}</strong> in the last 4 weeks
                  </li>
                ))}
              </ul>
            </>
          )}
        </Panel>
        <Panel title="Observation coverage" subtitle="Members observed in the last 30 days">
          <Text className={s.figure}>
            {program.coverage.observed} of {program.coverage.members}
          </Text>
          {program.coverage.notObserved.length === 0 ? (
            <Text>Everyone has been observed recently.</Text>
          ) : (
            <>
              <Text weight="semibold">Not observed in 30 days</Text>
              <ul className={s.list} aria-label="Not observed in 30 days">
                {program.coverage.notObserved.map((m) => (
                  <li key={m.objectId}>
                    {m.displayName}
                    {m.lastObservedAt ? ` (last ${m.lastObservedAt.slice(0, 10)})` : " (never)"}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Panel>
        <Panel title="Challenges done" subtitle="Micro-challenges completed of those sent to you">
          <Text className={s.figure}>
            {program.challenges.done} of {program.challenges.sent}
          </Text>
          <Text weight="semibold">Due this week</Text>
          {program.dueThisWeek.length === 0 ? (
            <Text>Nothing due this week.</Text>
          ) : (
            <ul className={s.list} aria-label="Due this week">
              {program.dueThisWeek.map((d) => (
                <li key={d.deliveryId}>
                  {d.title} —{" "}
                  {new Date(d.slot).toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" })}{" "}
                  <Badge appearance="outline" color={dueBadges[d.status]?.color ?? "informative"}>
                    {dueBadges[d.status]?.label ?? d.status}
                  </Badge>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
      <div className={s.grid}>
        {program.kpis.length === 0 ? (
          <Empty title="No KPI linked to this program" />
        ) : (
          program.kpis.map((k) => <KpiPanel key={k.id} kpi={k} />)
        )}
      </div>
    </section>
  );
}

/** A delivery's state as the chat says it, in a colour that means it: only done is green. */
const dueBadges: Record<string, { label: string; color: "success" | "informative" | "warning" | "subtle" }> = {
  scheduled: { label: "coming up", color: "subtle" },
  sent: { label: "to do", color: "informative" },
  completed: { label: "done", color: "success" },
  expired: { label: "missed", color: "warning" },
};

const trendWords: Record<KpiFigures["trend"], string> = {
  improving: "improving",
  worsening: "worsening",
  flat: "flat",
  unknown: "not enough data",
};

export function KpiPanel({ kpi }: { kpi: KpiFigures }) {
  const s = useLayout();
  return (
    <Panel title={kpi.name} subtitle={kpi.role === "outcome" ? "Business outcome" : "Leading metric"}>
      <div className={s.row} style={{ gap: 24 }}>
        <KpiPanelNumbers kpi={kpi} />
        <Badge color={kpi.trend === "improving" ? "success" : kpi.trend === "worsening" ? "danger" : "informative"}>
          {trendWords[kpi.trend]}
        </Badge>
      </div>
      {kpi.series.length === 0 ? (
        <Empty title="No values yet">KPI values arrive by CSV or API.</Empty>
      ) : (
        <KpiChart kpi={kpi} />
      )}
    </Panel>
  );
}
