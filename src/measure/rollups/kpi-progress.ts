import { type Kpi, kpiProgress } from "../../domain/index.js";

export interface KpiProgressView {
  kpiId: string;
  name: string;
  unit: string;
  baseline: { value: number; date: string };
  target: { value: number; date: string };
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
  if (!current) return { ...base, current: null, progress: null, expectedProgress: null, onTrack: null };
  const span = (Date.parse(kpi.target.date) - Date.parse(kpi.baseline.date)) / DAY;
  const elapsed = (Date.parse(current.date) - Date.parse(kpi.baseline.date)) / DAY;
  const expectedProgress = Math.min(Math.max(elapsed / span, 0), 1);
  const progress = kpiProgress(kpi, current.value);
  return { ...base, current, progress, expectedProgress, onTrack: progress >= expectedProgress };
}
