import type { Asset } from "../../../src/domain/asset.js";
import type { Kpi } from "../../../src/domain/kpi.js";
import type { Api, TeamSummary } from "../api/index.js";
import { useLayout } from "../layout.js";
import { AssetsEditor } from "./assets-editor.js";
import { ChainEditor } from "./chain-editor.js";
import type { Draft } from "./draft.js";
import { OutcomeEditor } from "./outcome-editor.js";

/** Step 2: the outcome KPI, the chain from skills to metrics, and the assets that reinforce the behaviours. */
export function DesignStep({
  api,
  draft,
  update,
  kpis,
  addKpi,
  assets,
  assetsChanged,
  teams,
}: {
  api: Api;
  draft: Draft;
  update: (p: Partial<Draft>) => void;
  kpis: Kpi[];
  addKpi: (k: Kpi) => void;
  assets: Asset[];
  assetsChanged: () => Promise<void>;
  teams: TeamSummary[];
}) {
  const s = useLayout();
  return (
    <div className={s.stack}>
      <OutcomeEditor api={api} draft={draft} update={update} kpis={kpis} addKpi={addKpi} />
      <ChainEditor draft={draft} update={update} kpis={kpis} />
      <AssetsEditor api={api} draft={draft} assets={assets} assetsChanged={assetsChanged} teams={teams} />
    </div>
  );
}
