import type { Program } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";
import {
  type EffectEstimate,
  type EffectOptions,
  estimateEffect,
  type TeamSeries,
} from "./difference-in-differences.js";

/**
 * The effect estimate for a program's KPI (its outcome KPI unless another is named), from each program
 * team's stored series. Organisation-wide KPIs have no pilot/comparison split: they get "not enough data".
 */
export async function programEffect(
  storage: Pick<Storage, "kpis" | "kpiValues">,
  program: Program,
  kpiId = program.outcomeKpiId,
  options: EffectOptions = {},
): Promise<EffectEstimate | undefined> {
  if (!kpiId || !program.window) return undefined;
  const kpi = (await storage.kpis.get(program.tenantId, kpiId))?.value;
  if (!kpi) return undefined;
  const teams = kpi.level === "team" ? await programTeamSeries(storage, program, kpiId) : [];
  return estimateEffect({ kpi, start: program.window.start, teams }, options);
}

/** Each program team's series of a team-level KPI, in date order. */
export async function programTeamSeries(
  storage: Pick<Storage, "kpiValues">,
  program: Program,
  kpiId: string,
): Promise<TeamSeries[]> {
  return Promise.all(
    program.teams.map(async ({ teamId, role }) => {
      const values: { date: string; value: number }[] = [];
      let token: string | undefined;
      do {
        const page = await storage.kpiValues.series(program.tenantId, kpiId, teamId, {
          pageSize: 1000,
          continuationToken: token,
        });
        values.push(...page.items.map((v) => ({ date: v.date, value: v.value })));
        token = page.continuationToken;
      } while (token);
      return { teamId, role, values };
    }),
  );
}
