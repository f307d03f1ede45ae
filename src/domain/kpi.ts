import { z } from "zod";
import { entraIdSchema, idSchema, isoDateSchema, isoDateTimeSchema, nameSchema, parseWith } from "./validation.js";

export const kpiDirections = ["higher_is_better", "lower_is_better"] as const;
export const kpiLevels = ["team", "organisation"] as const;
export const kpiSources = ["manual", "csv", "api"] as const;

const datedValueSchema = z.strictObject({
  value: z.number().finite("must be a finite number"),
  date: isoDateSchema,
});

/**
 * A business metric: the lagging outcome of a program, or a leading metric a behaviour should move. A
 * leading metric is an indicator and may have no target (null); a program's outcome needs one.
 */
export const kpiSchema = z
  .strictObject({
    id: idSchema,
    tenantId: entraIdSchema,
    name: nameSchema,
    unit: z.string().trim().min(1, "must not be empty").max(20, "must be at most 20 characters"),
    direction: z.enum(kpiDirections, "must be higher_is_better or lower_is_better"),
    baseline: datedValueSchema,
    target: datedValueSchema.nullable().default(null),
    level: z.enum(kpiLevels, "must be team or organisation"),
    source: z.enum(kpiSources, "must be manual, csv or api"),
  })
  .superRefine((kpi, ctx) => {
    if (!kpi.target) return;
    if (kpi.target.date <= kpi.baseline.date) {
      ctx.addIssue({ code: "custom", path: ["target", "date"], message: "must be after the baseline date" });
    }
    const improves =
      kpi.direction === "higher_is_better"
        ? kpi.target.value > kpi.baseline.value
        : kpi.target.value < kpi.baseline.value;
    if (!improves) {
      const word = kpi.direction === "higher_is_better" ? "above" : "below";
      ctx.addIssue({
        code: "custom",
        path: ["target", "value"],
        message: `must be ${word} the baseline (${kpi.baseline.value}) for a ${kpi.direction} KPI`,
      });
    }
  });

export type Kpi = z.output<typeof kpiSchema>;
export type KpiInput = z.input<typeof kpiSchema>;

export function parseKpi(input: unknown): Kpi {
  return parseWith(kpiSchema, input, "kpi");
}

/** A dated number for a KPI: per team where the KPI is per team, else organisation-wide (teamId null). */
export const kpiValueSchema = z.strictObject({
  tenantId: entraIdSchema,
  kpiId: idSchema,
  teamId: idSchema.nullable(),
  date: isoDateSchema,
  value: z.number().finite("must be a finite number"),
  source: z.enum(kpiSources, "must be manual, csv or api"),
  recordedAt: isoDateTimeSchema,
});

export type KpiValue = z.output<typeof kpiValueSchema>;

export function parseKpiValue(input: unknown): KpiValue {
  return parseWith(kpiValueSchema, input, "kpi value");
}

/** A team-level KPI needs a team on each value; an organisation-wide one must not have one. */
export function checkValueMatchesLevel(kpi: Kpi, value: KpiValue): string | undefined {
  if (kpi.level === "team" && value.teamId === null) return `kpi ${kpi.id} is per team: teamId is required`;
  if (kpi.level === "organisation" && value.teamId !== null)
    return `kpi ${kpi.id} is organisation-wide: teamId must be empty`;
  return undefined;
}

/**
 * Share of the way from baseline to target that `current` has covered: 0 at baseline, 1 at target,
 * negative when it moved the wrong way. Direction is already in the sign of (target - baseline). Null for
 * an indicator without a target.
 */
export function kpiProgress(kpi: Kpi, current: number): number | null {
  if (!kpi.target) return null;
  return (current - kpi.baseline.value) / (kpi.target.value - kpi.baseline.value);
}
