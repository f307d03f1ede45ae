import { describe, expect, it } from "vitest";
import type { KpiValue } from "../../src/domain/index.js";
import { NameIndex, nameKey } from "../../src/file-input/index.js";
import { DateOrderDetector, KpiValueSet, latestValueDate } from "../../src/measure/index.js";

const teams = new NameIndex(
  [
    { id: "renewals-north", name: "Renewals North" },
    { id: "renewals-south", name: "Renewals South" },
    { id: "emea-1", name: "Field Sales" },
    { id: "emea-2", name: "field sales " },
  ],
  (t) => t.id,
  (t) => t.name,
);

describe("names as people type them", () => {
  it("matches by id, or by name trimmed and case-insensitive, keeping accents", () => {
    expect(teams.find("renewals-north")).toEqual({ found: { id: "renewals-north", name: "Renewals North" } });
    expect(teams.find("  renewals NORTH ")).toMatchObject({ found: { id: "renewals-north" } });
    expect(teams.find("RENEWALS-SOUTH")).toMatchObject({ found: { id: "renewals-south" } });
    expect(nameKey("Renewals Nórth")).not.toBe(nameKey("Renewals North"));
    // Composed and decomposed accents are the same text.
    expect(nameKey("Nórth")).toBe(nameKey("No\u0301rth"));
  });

  it("suggests the closest name for a near miss, and nothing for a far one", () => {
    const accent = teams.find("Renewals Nórth");
    expect(accent).toMatchObject({ missing: true, suggestion: { id: "renewals-north" } });
    expect(teams.hint(accent)).toBe(' (did you mean "Renewals North" (renewals-north)?)');
    expect(teams.find("Renewal Sotuh")).toMatchObject({ missing: true, suggestion: { id: "renewals-south" } });
    const far = teams.find("Customer success");
    expect(far).toEqual({ missing: true, suggestion: undefined });
    expect(teams.hint(far)).toBe("");
  });

  it("calls a name shared by two things ambiguous rather than picking one", () => {
    expect(teams.find("Field sales")).toMatchObject({ ambiguous: [{ id: "emea-1" }, { id: "emea-2" }] });
    expect(teams.byExactId("Renewals North")).toMatchObject({ missing: true });
  });
});

function detect(dates: string[]) {
  const detector = new DateOrderDetector();
  dates.forEach((d, i) => {
    detector.see(d, i + 2);
  });
  return detector.decide();
}

describe("date order read off the file", () => {
  it("is day first when a date only reads day first, and says which line showed it", () => {
    expect(detect(["03/10/2026", "31/10/2026", "01/11/2026"])).toEqual({
      order: "day-first",
      from: "file",
      example: { row: 3, text: "31/10/2026" },
    });
    expect(detect(["10/03/2026", "10/31/2026"])).toMatchObject({ order: "month-first", from: "file" });
    expect(detect(["31.10.2026"])).toMatchObject({ order: "day-first" });
  });

  it("needs no order for ISO dates or dates that read the same both ways", () => {
    expect(detect(["2026-10-31", "2026-11-30"])).toEqual({ order: null, from: "no local dates" });
    expect(detect(["05/05/2026", "2026-10-31"])).toMatchObject({ from: "file" });
  });

  it("asks only when every local date reads both ways, with what each answer means", () => {
    const decided = detect(["2026-01-15", "03/04/2026", "04/05/2026"]);
    expect(decided).toEqual({
      question: {
        id: "dateOrder",
        text: expect.stringContaining("03/04/2026 (line 3)"),
        example: { row: 3, text: "03/04/2026" },
        options: [
          { answer: "day-first", reads: "3 April 2026" },
          { answer: "month-first", reads: "March 4, 2026" },
        ],
      },
    });
  });

  it("takes the more common order of a mixed-up file (the other lines then fail on their own)", () => {
    expect(detect(["31/10/2026", "30/11/2026", "12/31/2026"])).toMatchObject({ order: "day-first" });
    expect(detect(["10/31/2026", "11/30/2026", "31/12/2026"])).toMatchObject({ order: "month-first" });
  });

  it("counts today anywhere on Earth as today", () => {
    expect(latestValueDate(new Date("2026-12-02T01:00:00Z"))).toBe("2026-12-02");
    expect(latestValueDate(new Date("2026-12-02T11:00:00Z"))).toBe("2026-12-03");
  });
});

const value = (teamId: string, date: string, v: number): KpiValue => ({
  tenantId: "t",
  kpiId: "churn",
  teamId,
  date,
  value: v,
  source: "csv",
  recordedAt: "2026-12-01T00:00:00.000Z",
});
const line = (r: number) => `line ${r}`;

describe("repeats and conflicts in one input", () => {
  it("counts an identical repeat once and reports a conflicting one on every line involved", async () => {
    const set = new KpiValueSet();
    set.add(value("a", "2026-10-31", 3.1), 2);
    set.add(value("a", "2026-10-31", 3.1), 5); // identical
    set.add(value("b", "2026-10-31", 2.5), 3);
    set.add(value("b", "2026-10-31", 2.7), 4); // conflict
    set.add(value("b", "2026-10-31", 2.5), 6); // repeats line 3, still in the conflict
    const out = await set.outcome({ replace: false, label: line, limit: 100 });
    expect(out).toMatchObject({ duplicates: 1, conflictRows: 3, unchanged: 0, replaced: 0, issueCount: 3 });
    expect(out.toWrite).toEqual([value("a", "2026-10-31", 3.1)]);
    expect(out.notes).toEqual([{ row: 5, note: "repeats line 2: counted once" }]);
    expect(out.issues.map((i) => [i.row, i.rule])).toEqual([
      [3, "gives 2.5, but the same KPI, team and date has 2.7 on line 4: keep one value"],
      [4, "gives 2.7, but the same KPI, team and date has 2.5 on line 3, 2.5 on line 6: keep one value"],
      [6, "gives 2.5, but the same KPI, team and date has 2.7 on line 4: keep one value"],
    ]);
  });

  it("lists at most `limit` issues and notes but counts them all", async () => {
    const set = new KpiValueSet();
    for (let i = 0; i < 10; i++) {
      set.add(value("a", `2026-10-${String(i + 10)}`, 1), i * 2);
      set.add(value("a", `2026-10-${String(i + 10)}`, 2), i * 2 + 1);
    }
    const out = await set.outcome({ replace: false, label: line, limit: 4 });
    expect(out.issues).toHaveLength(4);
    expect(out.issueCount).toBe(20);
    expect(out.conflictRows).toBe(20);
  });
});
