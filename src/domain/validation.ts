import { z } from "zod";

/** One broken rule: the dotted path of the field and what it must be. */
export interface FieldIssue {
  field: string;
  rule: string;
}

/** Bad input: names every field and the rule it broke, so an admin or a client can fix it. */
export class ValidationError extends Error {
  readonly issues: FieldIssue[];

  constructor(what: string, issues: FieldIssue[]) {
    super(`invalid ${what}: ${issues.map((i) => `${i.field}: ${i.rule}`).join("; ")}`);
    this.name = "ValidationError";
    this.issues = issues;
  }
}

export function issuesOf(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join(".");
    const fieldOf = (...parts: string[]) => [prefix, path, ...parts].filter(Boolean).join(".") || "(root)";
    // An unknown field is named itself ("discover.problem"), not as a fault of the object that holds it.
    if (issue.code === "unrecognized_keys")
      return issue.keys.map((key) => ({ field: fieldOf(key), rule: issue.message }));
    return [{ field: fieldOf(), rule: issue.message }];
  });
}

/** Rules in plain words where a schema gives none of its own ("is required", "must be a number"). */
export function plainRule(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is required";
    if (issue.expected === "number" && typeof issue.input === "number") return "must be a finite number";
    return `must be ${issue.expected === "array" || issue.expected === "object" ? "an" : "a"} ${issue.expected}`;
  }
  if (issue.code === "unrecognized_keys") {
    const shape = (issue.inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
    const known = shape ? Object.keys(shape) : [];
    return `is not a known field${known.length > 0 ? ` (known here: ${known.join(", ")})` : ""}`;
  }
  return undefined;
}

/** Parses `input` with `schema`, throwing a ValidationError that names `what` and each failing field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input, { error: plainRule });
  if (!result.success) throw new ValidationError(what, issuesOf(result.error));
  return result.data;
}

/**
 * Ids become Azure Table keys, which forbid / \ # ? and control characters;
 * a conservative alphabet keeps them safe in keys, URLs and card data alike.
 */
export const idSchema = z
  .string()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must use only letters, digits, '-', '_' and '.'");

/** Entra ids (tenant id, user object id) are GUIDs. */
export const entraIdSchema = z.guid("must be a GUID (an Entra id)").transform((s) => s.toLowerCase());

export const isoDateSchema = z.iso.date("must be a date as YYYY-MM-DD");
export const isoDateTimeSchema = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" });

/** Answers per zone name, kept: a roster of 100,000 people names a handful of zones, and each check is costly. */
const zoneAnswers = new Map<string, boolean>();

export function isTimeZone(value: string): boolean {
  const known = zoneAnswers.get(value);
  if (known !== undefined) return known;
  let answer: boolean;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    answer = value.includes("/") || value === "UTC";
  } catch {
    answer = false;
  }
  if (zoneAnswers.size < 2_000) zoneAnswers.set(value, answer);
  return answer;
}

export const timeZoneSchema = z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/London");

export const localeSchema = z.string().refine((value) => {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}, "must be a BCP 47 locale such as en-GB");

/** "HH:MM", 24-hour clock. */
export const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a 24-hour local time as HH:MM");

export const nameSchema = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
export const textSchema = z.string().trim().max(4000, "must be at most 4000 characters");

/** Ids in a list must be unique; duplicates are almost always an authoring mistake. */
export function uniqueList<T extends z.ZodType>(item: T) {
  return z.array(item).refine((list) => new Set(list).size === list.length, "must not repeat an entry");
}
