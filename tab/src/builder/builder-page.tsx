import type { Api, MeView } from "../api/index.js";
import { Loaded } from "../states.js";
import { useLoad } from "../use-load.js";
import { ProgramBuilder } from "./program-builder.js";

/** Loads what the builder needs once (KPIs, teams, the program and its assets) and opens it. */
export function ProgramBuilderPage({
  api,
  me,
  programId,
  back,
}: {
  api: Api;
  me: MeView;
  programId: string | null;
  back: () => void;
}) {
  const load = useLoad(async () => {
    const [kpis, teams, program, assets] = await Promise.all([
      api.kpis.all(),
      api.teams.all(),
      programId ? api.programs.get(programId) : null,
      programId ? api.assets.list(programId) : [],
    ]);
    return { kpis, teams, assets, program: program?.data ?? null, etag: program?.etag ?? null };
  }, programId ?? "new");
  return (
    <Loaded load={load} label="Opening the program…">
      {(initial) => <ProgramBuilder api={api} me={me} initial={initial} back={back} />}
    </Loaded>
  );
}
