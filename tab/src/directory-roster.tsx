import { Button, Field, Input, MessageBar, MessageBarBody, Select, Text } from "@fluentui/react-components";
import { useState } from "react";
import type { RosterPerson } from "../../src/roster/directory-roster.js";
import { type Api, ApiError } from "./api/index.js";
import { useLayout } from "./layout.js";
import { ErrorState } from "./states.js";

type SourceKind = "teams-team" | "group" | "direct-reports";

interface Answer {
  exists: boolean;
  people: RosterPerson[];
  problems: string[];
}

const ZONES = Intl.supportedValuesOf("timeZone");

/**
 * A team from the directory: a Teams team's members, an Entra group or a manager's direct reports, each
 * person with the zone from their mailbox. A person whose zone is unknown is shown so, and the admin picks
 * one before the team can be saved.
 */
export function DirectoryRoster({ api, imported }: { api: Api; imported: () => void }) {
  const s = useLayout();
  const [kind, setKind] = useState<SourceKind>("teams-team");
  const [sourceId, setSourceId] = useState("");
  const [teamId, setTeamId] = useState("");
  const [name, setName] = useState("");
  const [manager, setManager] = useState("");
  const [zones, setZones] = useState<Record<string, string>>({});
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const body = () => ({
    teamId,
    name,
    source:
      kind === "teams-team"
        ? { kind, teamId: sourceId }
        : kind === "group"
          ? { kind, groupId: sourceId }
          : { kind, managerObjectId: sourceId },
    ...(manager || kind !== "direct-reports" ? { managerObjectId: manager || undefined } : {}),
    timeZones: Object.fromEntries(Object.entries(zones).filter(([, zone]) => zone)),
  });

  const send = async (mode: "preview" | "commit") => {
    setError(null);
    setSaved(null);
    setBusy(true);
    try {
      const etag = mode === "commit" && answer?.exists ? (await api.get(`/teams/${teamId}`)).etag : undefined;
      const result = await api.post<Answer>(`/team-directory-imports?mode=${mode}`, body(), etag ?? undefined);
      setAnswer(result.data);
      if (mode === "commit") {
        setSaved(`${name} saved with ${result.data.people.length} people.`);
        imported();
      }
    } catch (e) {
      // A refused commit (a zone still unknown) answers with the same list as a preview.
      if (e instanceof ApiError && Array.isArray((e.body as Partial<Answer>).people)) setAnswer(e.body as Answer);
      else setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details>
      <summary>Build a team from the directory</summary>
      <div className={s.stack} style={{ marginTop: 8 }}>
        <div className={s.row}>
          <Field label="From">
            <Select value={kind} onChange={(_e, d) => setKind(d.value as SourceKind)}>
              <option value="teams-team">A Teams team's members</option>
              <option value="group">An Entra group</option>
              <option value="direct-reports">A manager's direct reports</option>
            </Select>
          </Field>
          <Field
            label={kind === "direct-reports" ? "Manager's object id" : kind === "group" ? "Group id" : "Teams team id"}
          >
            <Input value={sourceId} onChange={(_e, d) => setSourceId(d.value.trim())} />
          </Field>
        </div>
        <div className={s.row}>
          <Field label="Team id in Throughline">
            <Input value={teamId} onChange={(_e, d) => setTeamId(d.value.trim())} />
          </Field>
          <Field label="Team name">
            <Input value={name} onChange={(_e, d) => setName(d.value)} />
          </Field>
          {kind !== "direct-reports" && (
            <Field label="Manager">
              <Select value={manager} onChange={(_e, d) => setManager(d.value)}>
                <option value="">Choose after the preview</option>
                {(answer?.people ?? []).map((p) => (
                  <option key={p.objectId} value={p.objectId}>
                    {p.displayName}
                    {p.owner ? " (owner)" : ""}
                  </option>
                ))}
              </Select>
            </Field>
          )}
        </div>
        <div className={s.row}>
          <Button disabled={busy || !sourceId} onClick={() => void send("preview")}>
            Preview
          </Button>
          <Button
            appearance="primary"
            disabled={busy || !answer || !teamId || !name}
            onClick={() => void send("commit")}
          >
            {answer?.exists ? "Refresh the team" : "Save the team"}
          </Button>
        </div>
        {error && <ErrorState error={error} />}
        {answer && (
          <ul aria-label="People from the directory" className={s.list}>
            {answer.people.map((p) => (
              <li key={p.objectId}>
                {p.displayName || p.objectId} ({p.role}):{" "}
                {p.timeZone && p.zoneFrom !== "admin" ? (
                  `${p.timeZone}, from ${p.zoneFrom === "mailbox" ? "their mailbox" : "their Teams client"}`
                ) : (
                  <Field label={`Time zone for ${p.displayName}`} hint={p.zoneProblem ?? undefined}>
                    <Select
                      value={zones[p.objectId] ?? ""}
                      onChange={(_e, d) => setZones({ ...zones, [p.objectId]: d.value })}
                    >
                      <option value="">Unknown: choose</option>
                      {ZONES.map((z) => (
                        <option key={z}>{z}</option>
                      ))}
                    </Select>
                  </Field>
                )}
              </li>
            ))}
          </ul>
        )}
        {answer && answer.problems.length > 0 && (
          <ul aria-label="What stops the team from being saved" className={s.list}>
            {answer.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {saved && (
          <MessageBar intent="success">
            <MessageBarBody>{saved}</MessageBarBody>
          </MessageBar>
        )}
        {busy && <Text>Reading the directory…</Text>}
      </div>
    </details>
  );
}
