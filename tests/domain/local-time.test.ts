import { describe, expect, it } from "vitest";
import { addDays, isoWeekday, localDate, offsetMs, zonedTimeToUtc } from "../../src/domain/index.js";

describe("local time in IANA zones", () => {
  it.each([
    ["2026-11-24", "09:00", "Europe/London", "2026-11-24T09:00:00.000Z"],
    ["2026-07-07", "09:00", "Europe/London", "2026-07-07T08:00:00.000Z"],
    ["2026-11-24", "09:00", "America/New_York", "2026-11-24T14:00:00.000Z"],
    ["2026-07-07", "09:00", "America/New_York", "2026-07-07T13:00:00.000Z"],
    ["2026-11-24", "09:00", "Asia/Kolkata", "2026-11-24T03:30:00.000Z"],
  ])("%s %s in %s is %s", (date, time, zone, utc) => {
    expect(zonedTimeToUtc(date, time, zone).toISOString()).toBe(utc);
  });

  it("moves a time skipped by spring-forward one hour later, as calendars do", () => {
    expect(zonedTimeToUtc("2026-03-29", "01:30", "Europe/London").toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(zonedTimeToUtc("2026-03-08", "02:30", "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z");
  });

  it("takes the first of a time that happens twice at fall-back", () => {
    expect(zonedTimeToUtc("2026-10-25", "01:30", "Europe/London").toISOString()).toBe("2026-10-25T00:30:00.000Z");
    expect(zonedTimeToUtc("2026-11-01", "01:30", "America/New_York").toISOString()).toBe("2026-11-01T05:30:00.000Z");
  });

  it("knows half-hour offsets, local dates and weekdays", () => {
    expect(offsetMs(new Date("2026-11-23T00:00:00Z"), "Asia/Kolkata")).toBe(5.5 * 3_600_000);
    expect(localDate(new Date("2026-11-23T20:00:00Z"), "Asia/Kolkata")).toBe("2026-11-24");
    expect(localDate(new Date("2026-11-23T03:00:00Z"), "America/New_York")).toBe("2026-11-22");
    expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
    expect(isoWeekday("2026-11-23")).toBe(1);
    expect(isoWeekday("2026-11-29")).toBe(7);
  });
});
