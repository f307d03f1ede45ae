import { z } from "zod";
import { programDefaults } from "./program-defaults.js";
import { idSchema, localTimeSchema } from "./validation.js";

/** ISO weekday: 1 = Monday … 7 = Sunday. */
const weekdaySchema = z
  .number()
  .int()
  .min(1, "must be 1 (Monday) to 7 (Sunday)")
  .max(7, "must be 1 (Monday) to 7 (Sunday)");

/** Week numbers count from 1, the week the program's window starts. */
const weekSchema = z.number().int().min(1, "must be 1 or more").max(104, "must be at most 104");

const weeklyCadenceSchema = z.strictObject({
  kind: z.literal("weekly"),
  weekdays: z
    .array(weekdaySchema)
    .min(1, "must name at least one weekday")
    .refine((days) => new Set(days).size === days.length, "must not repeat a weekday"),
  /** 1 = every week, 2 = every other week … */
  everyWeeks: z.number().int().min(1, "must be 1 or more").max(8, "must be at most 8").default(1),
  fromWeek: weekSchema.default(1),
});

const onceCadenceSchema = z.strictObject({
  kind: z.literal("once"),
  week: z.union([weekSchema, z.literal("last")]),
  weekday: weekdaySchema,
});

export const cadenceSchema = z.discriminatedUnion("kind", [weeklyCadenceSchema, onceCadenceSchema], {
  error: "must be a weekly or once cadence",
});

export type Cadence = z.output<typeof cadenceSchema>;

export const audiences = ["managers", "learners"] as const;
export type Audience = (typeof audiences)[number];

/** Which asset goes to whom and when, at a local time in each recipient's own time zone. */
export const scheduleEntrySchema = z.strictObject({
  id: idSchema,
  assetId: idSchema,
  audience: z.enum(audiences, "must be managers or learners"),
  cadence: cadenceSchema,
  localTime: localTimeSchema,
  /** Skills checks are taken twice: before (pre) and after (post). */
  phase: z.enum(["pre", "post"], "must be pre or post").optional(),
});

export type ScheduleEntry = z.output<typeof scheduleEntrySchema>;

export const quietHoursSchema = z.strictObject({ start: localTimeSchema, end: localTimeSchema });

export const scheduleSchema = z
  .strictObject({
    entries: z.array(scheduleEntrySchema).max(100, "must have at most 100 entries").default([]),
    /** Local hours when nothing is sent; may wrap midnight (20:00 → 08:00). */
    quietHours: quietHoursSchema.nullable().default(() => programDefaults().schedule.quietHours),
    /** Across every program, so a person is never flooded. */
    maxPerPersonPerDay: z
      .number()
      .int()
      .min(1, "must be 1 or more")
      .max(20, "must be at most 20")
      .default(() => programDefaults().schedule.maxPerPersonPerDay),
    /** Days after which a behaviour comes back, growing (spaced repetition). */
    spacingDays: z
      .array(z.number().int().min(1, "must be 1 or more"))
      .refine((days) => days.every((d, i) => i === 0 || d > (days[i - 1] ?? 0)), "must be increasing")
      .default(() => programDefaults().schedule.spacingDays),
  })
  .superRefine((schedule, ctx) => {
    const seen = new Set<string>();
    schedule.entries.forEach((entry, i) => {
      if (seen.has(entry.id)) ctx.addIssue({ code: "custom", path: ["entries", i, "id"], message: "must be unique" });
      seen.add(entry.id);
    });
    if (schedule.quietHours && schedule.quietHours.start === schedule.quietHours.end) {
      ctx.addIssue({ code: "custom", path: ["quietHours", "end"], message: "must differ from start" });
    }
  });

export type Schedule = z.output<typeof scheduleSchema>;
