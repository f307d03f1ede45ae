import { Badge, Button, Text } from "@fluentui/react-components";
import type { PersonReach, ReachReport, ReachStatus } from "../../src/reach/reach-report.js";
import type { Api } from "./api/index.js";
import { Panel, useLayout } from "./layout.js";
import { Loaded } from "./states.js";
import { useLoad } from "./use-load.js";

const labels: Record<ReachStatus, string> = {
  reachable: "Reachable",
  installing: "Installing",
  "install-failed": "Install failed",
  uninstalled: "Removed the app",
  paused: "Paused",
  "not-installed": "Not installed",
};
const colours: Record<ReachStatus, "success" | "informative" | "danger" | "warning" | "subtle"> = {
  reachable: "success",
  installing: "informative",
  "install-failed": "danger",
  uninstalled: "warning",
  paused: "subtle",
  "not-installed": "warning",
};

/**
 * Who the program's cards can reach in Teams, and why not: the app is installed for participants through
 * Microsoft Graph (or a Teams app setup policy), and each person's status says what happened.
 */
export function ReachPanel({ api, programId }: { api: Api; programId: string }) {
  const s = useLayout();
  const load = useLoad(async () => (await api.get<ReachReport>(`/programs/${programId}/reach`)).data, programId);
  return (
    <Panel title="Who the cards can reach" subtitle="The app is installed in Teams for everyone taking part">
      <Loaded load={load} label="Checking who can be reached…">
        {(report) => (
          <div className={s.stack}>
            <Text role="status">
              {(Object.keys(labels) as ReachStatus[])
                .filter((status) => report.counts[status] > 0)
                .map((status) => `${report.counts[status]} ${labels[status].toLowerCase()}`)
                .join(" · ") || "Nobody takes part yet: choose pilot teams above."}
            </Text>
            {[...new Set(report.people.filter((p) => p.status === "not-installed").map((p) => p.reason))].map(
              (reason) => reason && <Text key={reason}>Not installed: {reason}.</Text>,
            )}
            <ul aria-label="Reach by person" className={s.list}>
              {report.people.map((p: PersonReach) => (
                <li key={`${p.teamId}-${p.objectId}`}>
                  {p.displayName} ({p.teamName}, {p.role}){" "}
                  <Badge appearance="tint" color={colours[p.status]}>
                    {labels[p.status]}
                  </Badge>
                  {p.reason && p.status !== "not-installed" ? ` ${p.reason}` : ""}
                </li>
              ))}
            </ul>
            <div className={s.row}>
              <Button onClick={load.reload}>Check again</Button>
            </div>
          </div>
        )}
      </Loaded>
    </Panel>
  );
}
