import { Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from "@fluentui/react-components";
import type { Api } from "../api/index.js";
import { PilotComparisonChart, SideTrendChart } from "../charts.js";
import { KpiPanelNumbers } from "../kpi-numbers.js";
import { Panel, useLayout } from "../layout.js";
import { Empty, Loaded, percent } from "../states.js";
import { useLoad } from "../use-load.js";
import { namesOf } from "./chain-editor.js";
import { DeliveryPanel } from "./delivery-panel.js";
import { ProgramTeams } from "./program-teams.js";

/** The Measure step: the chain with the figures at each link, pilot vs comparison, engagement. */
export function MeasureStep({ api, programId }: { api: Api; programId: string }) {
  const s = useLayout();
  const load = useLoad(() => api.programs.view(programId), programId);
  return (
    <Loaded load={load} label="Measuring…">
      {(view) => (
        <div className={s.stack}>
          <Panel
            title="Skills → behaviours → metrics"
            subtitle="Adoption over the last 4 weeks, pilot against comparison"
          >
            {view.chain.behaviours.length === 0 ? (
              <Empty title="No behaviours yet">Design the chain first.</Empty>
            ) : (
              <Table aria-label="Impact chain">
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell>Skills</TableHeaderCell>
                    <TableHeaderCell>Behaviour</TableHeaderCell>
                    <TableHeaderCell>Pilot adoption</TableHeaderCell>
                    <TableHeaderCell>Comparison adoption</TableHeaderCell>
                    <TableHeaderCell>Metrics</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {view.chain.behaviours.map((b) => (
                    <TableRow key={b.id}>
                      <TableCell>
                        {namesOf(b.skillIds, new Map(view.chain.skills.map((k) => [k.id, k.name])), "a removed skill")}
                      </TableCell>
                      <TableCell>{b.name}</TableCell>
                      <TableCell>{percent(b.pilotAdoption)}</TableCell>
                      <TableCell>{percent(b.comparisonAdoption)}</TableCell>
                      <TableCell>
                        {namesOf(
                          b.kpiIds,
                          new Map(view.kpis.map((k) => [k.id, k.name])),
                          "a KPI that no longer exists",
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Panel>
          <div className={s.grid}>
            {view.kpis.length === 0 ? (
              <Empty title="No KPI linked yet" />
            ) : (
              view.kpis.map((k) => (
                <Panel
                  key={k.id}
                  title={k.name}
                  subtitle={`${k.role === "outcome" ? "Business outcome (lagging)" : "Leading metric"}: pilot teams against comparison teams`}
                >
                  <KpiPanelNumbers kpi={k} />
                  {k.pilotVsComparison.length === 0 ? (
                    <Empty title="No values yet" />
                  ) : (
                    <PilotComparisonChart kpi={k} />
                  )}
                </Panel>
              ))
            )}
            <Panel title="Engagement" subtitle="Deliveries by status; observations in the last 12 weeks">
              <DeliveryPanel
                api={api}
                programId={programId}
                teamName={(id) => view.teams.find((t) => t.teamId === id)?.name ?? "A team no longer in the program"}
              />
              <Text>Observations: {view.engagement.observations}</Text>
              <Text>
                Challenges done: {view.engagement.challengesDone} · Nudge responses: {view.engagement.nudgeResponses}
              </Text>
            </Panel>
          </div>
          <Panel
            title="Adoption by week"
            subtitle="Share of observations at the rubric's top level over 4 weeks, pilot teams against comparison teams"
          >
            {view.trend.length === 0 ? (
              <Empty title="No behaviours yet" />
            ) : (
              <div className={s.grid}>
                {view.trend.map((t) => (
                  <div key={t.behaviourId}>
                    <Text weight="semibold">{t.name}</Text>
                    <SideTrendChart trend={t} />
                  </div>
                ))}
              </div>
            )}
          </Panel>
          <Panel title="Teams" subtitle="Adoption and coverage now; open a team for its weeks">
            <ProgramTeams api={api} programId={programId} view={view} />
          </Panel>
        </div>
      )}
    </Loaded>
  );
}
