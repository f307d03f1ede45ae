/**
 * Local wall-clock time → UTC instant in an IANA zone, with no library: Intl tells the zone's offset at
 * an instant. Around a daylight-saving change the offsets a day before and a day after are the only
 * candidates. A time that occurs twice (fall back) resolves to its first occurrence; a time that does not
 * exist (spring forward) resolves to the same clock reading in the old offset, i.e. one change later
 * (02:30 on the New York spring-forward day becomes 03:30 EDT), as calendar apps do.
 */
export function zonedTimeToUtc(date: string, localTime: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const [hh, mm] = localTime.split(":").map(Number) as [number, number];
  const asIfUtc = Date.UTC(y, m - 1, d, hh, mm);
  const day = 86_400_000;
  const before = offsetMs(new Date(asIfUtc - day), timeZone);
  const after = offsetMs(new Date(asIfUtc + day), timeZone);
  const valid = [...new Set([before, after])]
    .filter((offset) => offsetMs(new Date(asIfUtc - offset), timeZone) === offset)
    .sort((a, b) => b - a);
  const offset = valid[0] ?? before;
  return new Date(asIfUtc - offset);
}

/** The zone's offset from UTC at `at`, in milliseconds (Asia/Kolkata: +5h30). */
export function offsetMs(at: Date, timeZone: string): number {
  const parts = zoneFormatter(timeZone, "instant").formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return local - (at.getTime() - at.getUTCMilliseconds());
}

/** The calendar date (YYYY-MM-DD) of `at` in the zone. */
export function localDate(at: Date, timeZone: string): string {
  return zoneFormatter(timeZone, "date").format(at);
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** ISO weekday of a YYYY-MM-DD date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one; planning and every card sent
// format dates, so each distinct format is built once.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A shared Intl.DateTimeFormat for this locale and these options. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, found);
  }
  return found;
}

function zoneFormatter(timeZone: string, kind: "instant" | "date"): Intl.DateTimeFormat {
  return kind === "instant"
    ? dateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      })
    : dateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
}
