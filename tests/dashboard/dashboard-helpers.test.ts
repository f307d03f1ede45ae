import { describe, expect, it } from "vitest";
import { lastWeeks, practiceStreak, readUpTo, weekStart } from "../../src/dashboard/index.js";

describe("weeks", () => {
  it("starts the ISO week on Monday, also for a Sunday late in the UTC day", () => {
    expect(weekStart(new Date("2026-11-23T00:00:00Z"))).toBe("2026-11-23");
    expect(weekStart(new Date("2026-11-29T23:59:59Z"))).toBe("2026-11-23");
    expect(weekStart(new Date("2026-11-30T00:00:00Z"))).toBe("2026-11-30");
    expect(weekStart(new Date("2027-01-01T12:00:00Z"))).toBe("2026-12-28");
  });

  it("lists the last weeks oldest first, ending with the current one", () => {
    expect(lastWeeks(new Date("2026-11-25T10:00:00Z"), 3)).toEqual(["2026-11-09", "2026-11-16", "2026-11-23"]);
  });
});

describe("readUpTo", () => {
  it("follows continuation tokens and stops at the cap, saying it was truncated", async () => {
    const pages = [
      { items: [1, 2], continuationToken: "a" },
      { items: [3, 4], continuationToken: "b" },
      { items: [5] },
    ];
    const seen: (string | undefined)[] = [];
    const read = async (token: string | undefined) => {
      seen.push(token);
      return pages[seen.length - 1] ?? { items: [] };
    };
    expect(await readUpTo(read, 10)).toEqual({ items: [1, 2, 3, 4, 5], truncated: false });
    expect(seen).toEqual([undefined, "a", "b"]);
    seen.length = 0;
    expect(await readUpTo(read, 3)).toEqual({ items: [1, 2, 3], truncated: true });
    expect(seen).toEqual([undefined, "a"]);
  });
});

describe("practiceStreak", () => {
  const weeks = (...counts: number[]) => counts.map((responses) => ({ responses }));

  it("counts consecutive weeks with practice up to now; an empty current week does not break it yet", () => {
    expect(practiceStreak(weeks(0, 1, 2, 1))).toBe(3);
    expect(practiceStreak(weeks(1, 1, 1, 0))).toBe(3);
    expect(practiceStreak(weeks(1, 0, 1, 0))).toBe(1);
    expect(practiceStreak(weeks(1, 1, 0, 0))).toBe(0);
    expect(practiceStreak(weeks())).toBe(0);
  });
});
