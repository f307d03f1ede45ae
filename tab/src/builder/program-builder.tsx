import { Tab, TabList } from "@fluentui/react-components";
import { useState } from "react";
import type { Asset } from "../../../src/domain/asset.js";
import type { Kpi } from "../../../src/domain/kpi.js";
import type { Program } from "../../../src/domain/program.js";
import type { Api, MeView, TeamSummary } from "../api/index.js";
import { issuesByField } from "../issues.js";
import { useLayout } from "../layout.js";
import { useConfirmLeave, useUnsavedChanges } from "../leave-guard.js";
import { Empty } from "../states.js";
import { BuilderHeader, BuilderNoticeBar } from "./builder-header.js";
import { DeliverStep } from "./deliver-step.js";
import { DesignStep } from "./design-step.js";
import { DiscoverStep } from "./discover-step.js";
import { MeasureStep } from "./measure-step.js";
import { useProgramDraft } from "./use-program-draft.js";

type Step = "discover" | "design" | "deliver" | "measure";

export interface BuilderInitial {
  kpis: Kpi[];
  teams: TeamSummary[];
  assets: Asset[];
  program: Program | null;
  etag: string | null;
}

/** The four steps of designing a program around one draft, which is saved (and guarded) as a whole. */
export function ProgramBuilder({
  api,
  me,
  initial,
  back,
}: {
  api: Api;
  me: MeView;
  initial: BuilderInitial;
  back: () => void;
}) {
  const s = useLayout();
  const program = useProgramDraft(api, initial, me.objectId);
  const [step, setStep] = useState<Step>("discover");
  const [kpis, setKpis] = useState(initial.kpis);
  const [teams, setTeams] = useState(initial.teams);
  const [assets, setAssets] = useState(initial.assets);
  const confirmLeave = useConfirmLeave();
  useUnsavedChanges(program.dirty ? "This program has changes that are not saved." : null);
  const { draft, update } = program;
  const issues = issuesByField(program.notice?.kind === "error" ? program.notice.error : null);
  const reloadAssets = async () => {
    if (draft.id) setAssets(await api.assets.list(draft.id));
  };
  return (
    <div className={s.stack}>
      <BuilderHeader
        program={program}
        back={async () => {
          if (await confirmLeave()) back();
        }}
      />
      <BuilderNoticeBar program={program} />
      <TabList selectedValue={step} onTabSelect={(_e, d) => setStep(d.value as Step)} aria-label="Program design steps">
        <Tab value="discover">1. Discover</Tab>
        <Tab value="design">2. Design</Tab>
        <Tab value="deliver">3. Deliver</Tab>
        <Tab value="measure">4. Measure</Tab>
      </TabList>
      {step === "discover" && <DiscoverStep draft={draft} update={update} me={me} teams={teams} issues={issues} />}
      {step === "design" && (
        <DesignStep
          api={api}
          draft={draft}
          update={update}
          kpis={kpis}
          addKpi={(k) => setKpis((all) => [...all, k])}
          assets={assets}
          assetsChanged={reloadAssets}
          teams={teams}
        />
      )}
      {step === "deliver" && (
        <DeliverStep
          api={api}
          draft={draft}
          update={update}
          teams={teams}
          teamsChanged={async () => setTeams(await api.teams.all())}
          assets={assets}
          issues={issues}
        />
      )}
      {step === "measure" &&
        (draft.id ? <MeasureStep api={api} programId={draft.id} /> : <Empty title="Save the program to measure it" />)}
    </div>
  );
}
