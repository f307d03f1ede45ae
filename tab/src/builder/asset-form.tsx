import { Button, Checkbox, Field, Input, Select, Text } from "@fluentui/react-components";
import { useState } from "react";
import type { Asset, AssetKind } from "../../../src/domain/asset.js";
import type { Api } from "../api/index.js";
import { issuesByField, ruleAt } from "../issues.js";
import { useLayout } from "../layout.js";
import { useUnsavedChanges } from "../leave-guard.js";
import { ErrorState } from "../states.js";
import { useMutation } from "../use-mutation.js";
import { type AssetDraft, assetKinds, bodyOfAsset, kindOption, withKind } from "./asset-draft.js";
import { CardPreview } from "./card-preview.js";
import { ContentEditor } from "./content-editors.js";
import type { Draft } from "./draft.js";

/** One asset written beside the card it makes: kind, title, the behaviours it reinforces, its content. */
export function AssetForm({
  api,
  programId,
  program,
  initial,
  teams,
  saved,
  startNew,
}: {
  api: Api;
  programId: string;
  program: Draft;
  initial: AssetDraft;
  /** The program's teams with their names, for the preview. */
  teams: { id: string; name: string }[];
  saved: (asset: Asset) => Promise<void>;
  startNew: () => void;
}) {
  const s = useLayout();
  const [asset, setAsset] = useState<AssetDraft>(initial);
  const dirty = JSON.stringify(asset) !== JSON.stringify(initial);
  useUnsavedChanges(dirty ? `The asset "${asset.title || "without a title"}" is not saved.` : null);
  const save = useMutation(async (): Promise<Asset> => {
    const body = bodyOfAsset(asset);
    const result = asset.id
      ? (await api.assets.update(programId, asset.id, body, asset.etag ?? null)).data
      : await api.assets.create(programId, body);
    await saved(result);
    return result;
  });
  const issues = issuesByField(save.error);
  const change = (next: AssetDraft) => setAsset(next);
  const behaviours = program.chain.behaviours;
  const checklist = asset.kind === "observation_checklist";
  return (
    <div className={s.grid}>
      <div className={s.stack}>
        <Text as="h4" weight="semibold" style={{ margin: 0 }}>
          {asset.id ? `Editing "${initial.title}"` : "New asset"}
        </Text>
        <Field label="Kind">
          <Select
            value={asset.kind}
            disabled={Boolean(asset.id)}
            onChange={(_e, d) => change(withKind(asset, d.value as AssetKind))}
          >
            {assetKinds.map((kind) => (
              <option key={kind} value={kind}>
                {kindOption(kind)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Title" required validationMessage={ruleAt(issues, "title")}>
          <Input value={asset.title} onChange={(_e, d) => change({ ...asset, title: d.value })} />
        </Field>
        <fieldset className={s.bare}>
          <legend>{checklist ? "Behaviours it rates (each member on each)" : "Behaviours it reinforces"}</legend>
          {behaviours.length === 0 && <Text>Add a behaviour to the chain first.</Text>}
          {behaviours.map((b) => (
            <Checkbox
              key={b.id}
              label={b.name}
              checked={asset.behaviourIds.includes(b.id)}
              onChange={(_e, d) =>
                change({
                  ...asset,
                  behaviourIds: d.checked
                    ? behaviours.map((x) => x.id).filter((id) => id === b.id || asset.behaviourIds.includes(id))
                    : asset.behaviourIds.filter((id) => id !== b.id),
                })
              }
            />
          ))}
          {ruleAt(issues, "behaviourIds") && (
            <Text role="alert" style={{ display: "block" }}>
              Behaviours: {ruleAt(issues, "behaviourIds")}
              {program.id ? " — save the program to use behaviours added since its last save." : ""}
            </Text>
          )}
        </fieldset>
        <ContentEditor draft={asset} change={change} issues={issues} />
        {save.error && <ErrorState error={save.error} />}
        <div className={s.row}>
          <Button appearance="primary" onClick={() => void save.run()} disabled={save.busy}>
            {asset.id ? "Save asset" : "Add asset"}
          </Button>
          {asset.id && <Button onClick={startNew}>New asset instead</Button>}
        </div>
      </div>
      <div className={s.stack}>
        <Text as="h4" weight="semibold" style={{ margin: 0 }}>
          Live preview
        </Text>
        <CardPreview api={api} programId={programId} asset={asset} teams={teams} />
      </div>
    </div>
  );
}
