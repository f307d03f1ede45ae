import { type Kpi, kpiProgress } from "../../domain/index.js";

export interface KpiProgressView {
  kpiId: string;
  name: string;
  unit: string;
  baseline: { value: number; date: string };
  /** Null for a leading indicator without a target: then there is no progress to speak of. */
  target: { value: number; date: string } | null;
  current: { value: number; date: string } | null;
  /** Share of the way from baseline to target (1 = target reached; negative = moved the wrong way). */
  progress: number | null;
  /** Where a straight line from baseline to target would be by the current value's date. */
  expectedProgress: number | null;
  /** At or ahead of that straight line; null without a current value. */
  onTrack: boolean | null;
}

const DAY = 86_400_000;

export function kpiProgressView(kpi: Kpi, current: { value: number; date: string } | undefined): KpiProgressView {
  const base = {
    kpiId: kpi.id,
    name: kpi.name,
    unit: kpi.unit,
    baseline: kpi.baseline,
    target: kpi.target,
  };
  const progress = current ? kpiProgress(kpi, current.value) : null;
  if (!current || !kpi.target || progress === null)
    return { ...base, current: current ?? null, progress: null, expectedProgress: null, onTrack: null };
  const span = (Date.parse(kpi.target.date) - Date.parse(kpi.baseline.date)) / DAY;
  const elapsed = (Date.parse(current.date) - Date.parse(kpi.baseline.date)) / DAY;
  const expectedProgress = Math.min(Math.max(elapsed / span, 0), 1);
  return { ...base, current, progress, expectedProgress, onTrack: progress >= expectedProgress };
}
