import { createHash } from "node:crypto";
import type { KpiValue, Program } from "../../domain/index.js";
import type { Storage } from "../../storage/index.js";
import { applyKpiValues, KPI_LATEST_ROW, type KpiLatest, kpiScope, seriesKey } from "./kpi-latest.js";
import { programScope } from "./rollup-model.js";
import { updateRollup } from "./update-rollup.js";

/**
 * One series of a KPI (a team's, or "_org") as one rollup row, kept on write: a view reads a team's two
 * years of weekly values with one point read instead of paging through the raw values.
 */
export interface KpiSeries {
  points: { date: string; value: number }[];
}

/** The newest points a series row keeps (ten years of weekly values): a view charts no more. */
export const MAX_SERIES_POINTS = 520;
export const SERIES_PREFIX = "series:";
export const seriesRow = (teamId: string | null) => `${SERIES_PREFIX}${seriesKey(teamId)}`;

/** A value for a date already in the series replaces it, as the raw value itself is replaced on re-send. */
export function applyToSeries(series: KpiSeries, values: readonly { date: string; value: number }[]): void {
  const byDate = new Map(series.points.map((p) => [p.date, p.value]));
  for (const v of values) byDate.set(v.date, v.value);
  series.points = [...byDate]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(-MAX_SERIES_POINTS)
    .map(([date, value]) => ({ date, value }));
}

type KpiRollupStorage = Pick<Storage, "rollups">;

/**
 * Keeps a KPI's rollups current after values are stored: each touched series row, then the latest row.
 * The latest row is written last on purpose: its etag versions the program comparisons derived from the
 * series rows (kpiComparison), so a comparison computed mid-update is recomputed on the next read.
 */
export async function updateKpiRollups(
  storage: KpiRollupStorage,
  tenantId: string,
  kpiId: string,
  values: readonly KpiValue[],
): Promise<void> {
  const bySeries = new Map<string | null, KpiValue[]>();
  for (const v of values) bySeries.set(v.teamId, [...(bySeries.get(v.teamId) ?? []), v]);
  const pending = [...bySeries];
  // A date-major import touches a row per team in each batch: a few at a time, not hundreds at once.
  await Promise.all(
    Array.from({ length: Math.min(8, pending.length) }, async () => {
      for (let next = pending.shift(); next; next = pending.shift()) {
        const [teamId, list] = next;
        await updateRollup<KpiSeries>(
          storage,
          tenantId,
          kpiScope(kpiId),
          seriesRow(teamId),
          () => ({ points: [] }),
          (s) => applyToSeries(s, list),
        );
      }
    }),
  );
  await updateRollup<KpiLatest>(
    storage,
    tenantId,
    kpiScope(kpiId),
    KPI_LATEST_ROW,
    () => ({ series: {} }),
    (l) => applyKpiValues(l, values),
  );
}

/** Recomputes a KPI's series rows and latest values from every stored value; removes series no value backs. */
export async function rebuildKpiRollups(
  storage: Pick<Storage, "rollups" | "kpiValues">,
  tenantId: string,
  kpiId: string,
): Promise<KpiLatest> {
  const latest: KpiLatest = { series: {} };
  const series = new Map<string, KpiSeries>();
  let token: string | undefined;
  do {
    const page = await storage.kpiValues.list(tenantId, kpiId, { pageSize: 1000, continuationToken: token });
    applyKpiValues(latest, page.items);
    for (const v of page.items) {
      const row = seriesRow(v.teamId);
      const found = series.get(row) ?? { points: [] };
      found.points.push({ date: v.date, value: v.value });
      series.set(row, found);
    }
    token = page.continuationToken;
  } while (token);
  const tenant = tenantId.toLowerCase();
  const scope = kpiScope(kpiId);
  for (const s of series.values()) applyToSeries(s, []);
  await storage.rollups.overwriteMany([...series].map(([rowKey, data]) => ({ tenantId: tenant, scope, rowKey, data })));
  for (const existing of await storage.rollups.range(tenantId, scope, SERIES_PREFIX))
    if (!series.has(existing.rowKey)) await storage.rollups.delete(tenantId, scope, existing.rowKey);
  // Last, as on write: the new etag tells every cached comparison of this KPI to recompute.
  await storage.rollups.overwrite({ tenantId: tenant, scope, rowKey: KPI_LATEST_ROW, data: latest });
  return latest;
}

export async function readKpiSeries(
  storage: KpiRollupStorage,
  tenantId: string,
  kpiId: string,
  teamId: string | null,
): Promise<KpiSeries["points"]> {
  return (await storage.rollups.get<KpiSeries>(tenantId, kpiScope(kpiId), seriesRow(teamId)))?.value.data.points ?? [];
}

/** Every series of a KPI by team id ("_org" for an organisation-wide KPI's): one range read of its series rows. */
export async function readEverySeries(
  storage: KpiRollupStorage,
  tenantId: string,
  kpiId: string,
): Promise<Map<string, KpiSeries["points"]>> {
  const rows = await storage.rollups.range<KpiSeries>(tenantId, kpiScope(kpiId), SERIES_PREFIX);
  return new Map(rows.map((r) => [r.rowKey.slice(SERIES_PREFIX.length), r.data.points]));
}

/** Each side's KPI in one month: the mean over the side's teams of each team's value for that month. */
export interface SideMonth {
  month: string;
  /** Null when no pilot team has a value that month. */
  pilot: number | null;
  comparison: number | null;
  /** How many teams of each side the mean is over. */
  pilotTeams: number;
  comparisonTeams: number;
}

/**
 * A series' value for each month: its last value dated in that month (the state at the month's end; KPI
 * values come monthly, and a weekly series keeps its month-end value). Months in order.
 */
export function monthlyValues(points: readonly { date: string; value: number }[]): Map<string, number> {
  const byMonth = new Map<string, { date: string; value: number }>();
  for (const p of points) {
    const month = p.date.slice(0, 7);
    const found = byMonth.get(month);
    if (!found || p.date >= found.date) byMonth.set(month, p);
  }
  return new Map([...byMonth].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([m, p]) => [m, p.value]));
}

/** Pilot and comparison by month, from the series of the program's teams: teams weigh alike, as in the estimate. */
export function sideMonths(
  program: Pick<Program, "teams">,
  seriesOf: ReadonlyMap<string, KpiSeries["points"]>,
): SideMonth[] {
  const byMonth = new Map<string, { pilot: [number, number]; comparison: [number, number] }>();
  for (const { teamId, role } of program.teams)
    for (const [month, value] of monthlyValues(seriesOf.get(teamId) ?? [])) {
      const at = byMonth.get(month) ?? { pilot: [0, 0], comparison: [0, 0] };
      at[role][0] += value;
      at[role][1]++;
      byMonth.set(month, at);
    }
  return [...byMonth]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([month, at]) => ({
      month,
      pilot: mean(...at.pilot),
      comparison: mean(...at.comparison),
      pilotTeams: at.pilot[1],
      comparisonTeams: at.comparison[1],
    }));
}

interface KpiComparison {
  /** What the months were computed from: the KPI's latest-row etag and the program's teams and sides. */
  stamp: string;
  months: SideMonth[];
}

export const kpiComparisonRow = (kpiId: string) => `kpi:${kpiId}`;

function mean(sum: number, count: number): number | null {
  return count === 0 ? null : sum / count;
}

function teamsSignature(program: Pick<Program, "teams">): string {
  const text = program.teams.map((t) => `${t.teamId}=${t.role}`).join(",");
  return createHash("sha256").update(text).digest("base64url");
}

/** Changes when what the comparison row holds changes, so rows of an older shape are recomputed. */
const COMPARISON_SHAPE = "months-1";

/**
 * A team-level KPI's pilot vs comparison by month for a program. Derived from the KPI's series rows and
 * stored in the program's rollups, stamped with the KPI's latest-row etag and the program's teams: every
 * KPI write (and rebuild) changes that etag last, so a stored comparison is served only while nothing it was
 * computed from has changed, and any instance recomputes it (one range read of the series rows) otherwise.
 */
export async function kpiComparison(storage: KpiRollupStorage, program: Program, kpiId: string): Promise<SideMonth[]> {
  const scope = programScope(program.id);
  const [latest, stored] = await Promise.all([
    storage.rollups.get<KpiLatest>(program.tenantId, kpiScope(kpiId), KPI_LATEST_ROW),
    storage.rollups.get<KpiComparison>(program.tenantId, scope, kpiComparisonRow(kpiId)),
  ]);
  const stamp = `${COMPARISON_SHAPE}|${latest?.etag ?? "none"}|${teamsSignature(program)}`;
  if (stored?.value.data.stamp === stamp) return stored.value.data.months;
  return refreshKpiComparison(storage, program, kpiId, stamp);
}

/** Recomputes and stores a program's comparison of one KPI; `stamp` must be read before the series rows. */
async function refreshKpiComparison(
  storage: KpiRollupStorage,
  program: Program,
  kpiId: string,
  stamp: string,
): Promise<SideMonth[]> {
  const seriesOf = await readEverySeries(storage, program.tenantId, kpiId);
  const months = sideMonths(program, seriesOf);
  // Last writer wins: every writer computed from series rows at least as new as its stamp says.
  await storage.rollups.overwrite<KpiComparison>({
    tenantId: program.tenantId.toLowerCase(),
    scope: programScope(program.id),
    rowKey: kpiComparisonRow(kpiId),
    data: { stamp, months },
  });
  return months;
}
