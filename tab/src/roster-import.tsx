import { Button, Field, MessageBar, MessageBarBody, Text } from "@fluentui/react-components";
import { useState } from "react";
import type { Api, RosterReport } from "./api/index.js";
import { FileInput } from "./file-input.js";
import { useLayout } from "./layout.js";
import { ErrorState } from "./states.js";
import { useMutation } from "./use-mutation.js";

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/**
 * Teams from an HR or directory export: the file is checked first (nothing written), then imported whole.
 * A bad row stops the import, and every problem is listed by line.
 */
export function RosterImport({ api, imported }: { api: Api; imported: () => void }) {
  const s = useLayout();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<RosterReport | null>(null);
  const [done, setDone] = useState<RosterReport | null>(null);
  const send = useMutation(async (mode: "preview" | "commit", chosen: File) => {
    // A commit refused for bad rows (400) answers with the report itself, as a preview does.
    const result = await api.teams.importRoster(mode, chosen);
    if (mode === "preview" || result.issues.length > 0) setReport(result);
    else {
      setDone(result);
      imported();
    }
  });

  return (
    <details>
      <summary>Import teams from a roster file</summary>
      <div className={s.stack} style={{ marginTop: 8 }}>
        <Text>
          One person per row: team, team_name, role (manager or member), object_id, display_name, time_zone, and
          optionally locale. A team in the file gets exactly the file's roster; other teams are left alone.
        </Text>
        <Field label="Roster CSV">
          <FileInput
            label="Roster CSV"
            chosen={(chosen) => {
              setFile(chosen);
              setReport(null);
              setDone(null);
              if (chosen) void send.run("preview", chosen);
            }}
          />
        </Field>
        {send.busy && <Text>Checking the file…</Text>}
        {send.error && <ErrorState error={send.error} />}
        {report && !done && (
          <>
            <Text role="status">
              {count(report.rows, "row")}, {count(report.teams, "team")}
              {report.issues.length > 0
                ? `: ${report.issues.length + report.moreIssues} problems, nothing imported`
                : ""}
            </Text>
            {report.issues.length > 0 ? (
              <ul aria-label="Roster problems" className={s.list}>
                {report.issues.map((i) => (
                  <li key={`${i.row}-${i.field}-${i.rule}`}>
                    Line {i.row}, {i.field}: {i.rule}
                  </li>
                ))}
                {report.moreIssues > 0 && <li>…and {report.moreIssues} more</li>}
              </ul>
            ) : (
              <div className={s.row}>
                <Button
                  appearance="primary"
                  disabled={send.busy || !file}
                  onClick={() => file && void send.run("commit", file)}
                >
                  Import {count(report.teams, "team")}
                </Button>
              </div>
            )}
          </>
        )}
        {done && (
          <MessageBar intent="success" role="status">
            <MessageBarBody>
              {count(done.created, "team")} created, {count(done.replaced, "roster")} replaced.
            </MessageBarBody>
          </MessageBar>
        )}
      </div>
    </details>
  );
}
