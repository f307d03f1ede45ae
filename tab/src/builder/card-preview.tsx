import { Field, Select, Text } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import type { Api, CardPreview as Preview } from "../api/index.js";
import { ApiError } from "../api/index.js";
import { AdaptiveCardView } from "../cards/adaptive-card.js";
import { describeIssue } from "../issues.js";
import { useLayout } from "../layout.js";
import { type AssetDraft, bodyOfAsset } from "./asset-draft.js";

/** How long typing pauses before the preview is asked for again. */
const PREVIEW_DELAY_MS = 300;

/**
 * The card the asset's recipient gets, as the bot renders it (the API renders it with the delivery's own
 * renderer), for one of the program's teams. While the asset is incomplete it says what is still missing.
 */
export function CardPreview({
  api,
  programId,
  asset,
  teams,
}: {
  api: Api;
  programId: string;
  asset: AssetDraft;
  teams: { id: string; name: string }[];
}) {
  const s = useLayout();
  const [teamId, setTeamId] = useState(teams[0]?.id ?? "");
  const [phase, setPhase] = useState<"pre" | "post">("pre");
  const [shown, setShown] = useState<{ preview: Preview } | { missing: string[] } | { error: Error } | null>(null);
  const request = JSON.stringify({ asset: bodyOfAsset(asset), teamId: teamId || undefined, phase });
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api.assets.preview(programId, JSON.parse(request)).then(
        (preview) => live && setShown({ preview }),
        (error: Error) => {
          if (!live) return;
          const issues = error instanceof ApiError && error.status === 400 ? (error.body.issues ?? []) : [];
          setShown(issues.length > 0 ? { missing: issues.map(describeIssue) } : { error });
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, programId, request]);
  return (
    <div className={s.stack} data-testid="card-preview">
      <div className={s.row}>
        {teams.length > 1 && (
          <Field label="Preview for">
            <Select value={teamId} onChange={(_e, d) => setTeamId(d.value)}>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        {asset.kind === "skills_check" && (
          <Field label="Taken">
            <Select value={phase} onChange={(_e, d) => setPhase(d.value as "pre" | "post")}>
              <option value="pre">Before the program</option>
              <option value="post">After the program</option>
            </Select>
          </Field>
        )}
      </div>
      {shown === null && <Text>Rendering the card…</Text>}
      {shown && "preview" in shown && (
        <>
          <Text role="status">
            The card {shown.preview.recipient.name} gets
            {shown.preview.team ? ` (${shown.preview.team.name})` : " (an example team until the program has one)"}:
          </Text>
          <AdaptiveCardView card={shown.preview.card} label="Card preview" />
        </>
      )}
      {shown && "missing" in shown && (
        <div role="status">
          <Text>The card appears once the asset is complete. Still missing:</Text>
          <ul aria-label="What the card still needs" className={s.list}>
            {shown.missing.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {shown && "error" in shown && <Text role="status">The card cannot be shown: {shown.error.message}</Text>}
    </div>
  );
}
