import { Badge, Button, Text } from "@fluentui/react-components";
import { useState } from "react";
import type { Asset, AssetKind } from "../../../src/domain/asset.js";
import type { Api, TeamSummary } from "../api/index.js";
import { Panel, useLayout } from "../layout.js";
import { useConfirmLeave } from "../leave-guard.js";
import { Empty, ErrorState, Saved } from "../states.js";
import { useMutation } from "../use-mutation.js";
import { type AssetDraft, draftOfAsset, kindLabels, newAssetDraft } from "./asset-draft.js";
import { AssetForm } from "./asset-form.js";
import { namesOf } from "./chain-editor.js";
import type { Draft } from "./draft.js";

/** The program's assets by title, each opened in the form to change it; a new one written beside its card. */
export function AssetsEditor({
  api,
  draft,
  assets,
  assetsChanged,
  teams,
}: {
  api: Api;
  draft: Draft;
  assets: Asset[];
  assetsChanged: () => Promise<void>;
  teams: TeamSummary[];
}) {
  const s = useLayout();
  const programId = draft.id;
  const blank = (kind: AssetKind = "micro_challenge") =>
    newAssetDraft(
      kind,
      draft.chain.behaviours.slice(0, 1).map((b) => b.id),
    );
  const [editing, setEditing] = useState<AssetDraft>(() => blank());
  // A new form after each save, so the next asset starts blank (of the same kind).
  const [round, setRound] = useState(0);
  const [savedTitle, setSavedTitle] = useState<string | null>(null);
  const confirmLeave = useConfirmLeave();
  const open = useMutation(async (asset: Asset) => {
    if (!programId || !(await confirmLeave())) return;
    const found = await api.assets.get(programId, asset.id);
    setSavedTitle(null);
    setEditing(draftOfAsset(found.data, found.etag));
  });
  // Deleted at once (an asset is its own record, not part of the program's draft); the server refuses while
  // the saved schedule still sends it.
  const remove = useMutation(async (asset: Asset) => {
    if (!programId) return "";
    setSavedTitle(null);
    await api.assets.remove(programId, asset.id);
    await assetsChanged();
    if (editing.id === asset.id) setEditing(blank());
    return asset.title;
  });
  if (!programId)
    return (
      <Panel title="Assets" subtitle="Challenges, talk tracks, checklists, nudges, skills checks">
        <Empty title="Save the program first">Assets belong to a saved program.</Empty>
      </Panel>
    );
  const behaviourNames = new Map(draft.chain.behaviours.map((b) => [b.id, b.name]));
  const teamNames = new Map(teams.map((t) => [t.id, t.name]));
  // Pilot teams first: the preview opens on the first.
  const previewTeams = [...draft.teams]
    .sort((a, b) => (a.role === b.role ? 0 : a.role === "pilot" ? -1 : 1))
    .map((t) => ({ id: t.teamId, name: teamNames.get(t.teamId) ?? "A team that no longer exists" }));
  return (
    <Panel
      title="Assets"
      subtitle="Challenges, talk tracks, checklists, nudges, skills checks — previewed as the card people get"
    >
      <div className={s.stack}>
        {assets.length === 0 ? (
          <Text>No assets yet.</Text>
        ) : (
          <ul aria-label="Assets" className={s.list}>
            {assets.map((a) => (
              <li key={a.id} style={{ marginBottom: 4 }}>
                <Text weight="semibold">{a.title}</Text> <Badge appearance="outline">{kindLabels[a.kind]}</Badge>{" "}
                <Text size={200}>reinforces {namesOf(a.behaviourIds, behaviourNames, "a removed behaviour")}</Text>
                <Button
                  size="small"
                  appearance="subtle"
                  aria-label={`Edit asset ${a.title}`}
                  onClick={() => void open.run(a)}
                  style={{ marginLeft: 8 }}
                >
                  Edit
                </Button>
                {draft.status === "draft" &&
                  (draft.schedule.entries.some((e) => e.assetId === a.id) ? (
                    <Text size={200} style={{ marginLeft: 8 }}>
                      (on the schedule)
                    </Text>
                  ) : (
                    <Button
                      size="small"
                      appearance="subtle"
                      aria-label={`Remove asset ${a.title}`}
                      onClick={() => void remove.run(a)}
                    >
                      Remove
                    </Button>
                  ))}
              </li>
            ))}
          </ul>
        )}
        {open.error && <ErrorState error={open.error} />}
        {remove.error && <ErrorState error={remove.error} />}
        {remove.result && <Saved>"{remove.result}" deleted.</Saved>}
        {savedTitle && <Saved>Asset "{savedTitle}" saved.</Saved>}
        <AssetForm
          key={`${editing.id ?? "new"}-${round}`}
          api={api}
          programId={programId}
          program={draft}
          initial={editing}
          teams={previewTeams}
          saved={async (asset) => {
            await assetsChanged();
            setSavedTitle(asset.title);
            setEditing(blank(asset.kind));
            setRound((r) => r + 1);
          }}
          startNew={() => {
            setEditing(blank());
            setRound((r) => r + 1);
          }}
        />
      </div>
    </Panel>
  );
}
