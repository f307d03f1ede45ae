import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/index.js";
import { importKpiCsv, parseDate, parseDecimal } from "../../src/measure/index.js";
import type { Storage } from "../../src/storage/index.js";
import { aKpi, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

async function tenantWithKpis(storage: Storage) {
  const tenantId = newTenantId();
  await storage.kpis.save(aKpi(tenantId));
  await storage.kpis.save(aKpi(tenantId, { id: "nps", name: "NPS", unit: "pts", level: "organisation" }));
  await storage.teams.save(aTeam(tenantId, { id: "team-a" }));
  await storage.teams.save(aTeam(tenantId, { id: "team-b", name: "Team B" }));
  return tenantId;
}

const file = (text: string | Buffer) => () => Readable.from([typeof text === "string" ? Buffer.from(text) : text]);

async function allValues(storage: Storage, tenantId: string, kpiId: string) {
  return (await storage.kpiValues.list(tenantId, kpiId, { pageSize: 1000 })).items;
}

describe("parse cells", () => {
  it("reads decimal points and commas, refuses thousands separators", () => {
    expect(parseDecimal("31.5")).toBe(31.5);
    expect(parseDecimal(" 31,5 ")).toBe(31.5);
    expect(parseDecimal("-2")).toBe(-2);
    expect(parseDecimal("1,234.5")).toBeUndefined();
    expect(parseDecimal("12%")).toBeUndefined();
    expect(parseDecimal("")).toBeUndefined();
  });

  it("reads ISO always and local dates only in the stated order", () => {
    expect(parseDate("2026-07-31", null)).toBe("2026-07-31");
    expect(parseDate("31/07/2026", null)).toBeUndefined();
    expect(parseDate("31/07/2026", "day-first")).toBe("2026-07-31");
    expect(parseDate("07/31/2026", "month-first")).toBe("2026-07-31");
    expect(parseDate("31/07/2026", "month-first")).toBeUndefined();
    expect(parseDate("2026-02-30", null)).toBeUndefined();
    // Exports from BI tools carry a midnight time; any other time could be another day elsewhere.
    expect(parseDate("2026-07-31T00:00:00Z", null)).toBe("2026-07-31");
    expect(parseDate("2026/07/31", null)).toBe("2026-07-31");
    expect(parseDate("07/31/2026 00:00", "month-first")).toBe("2026-07-31");
    expect(parseDate("2026-07-31T13:45:00Z", null)).toBeUndefined();
  });
});

describe("importKpiCsv", () => {
  it("imports a UTF-8 file with BOM, CRLF and quoted fields", async () => {
    const storage = await testStorage();
    const tenantId = await tenantWithKpis(storage);
    const csv =
      '\uFEFFkpi,team,date,value\r\nwin-rate,team-a,2026-08-01,29.5\r\n"win-rate","team-b","2026-08-01","27"\r\nnps,,2026-08-01,41\r\n';
    const report = await importKpiCsv(storage, tenantId, file(csv), { mode: "commit" });
    expect(report).toMatchObject({ rows: 3, validRows: 3, invalidRows: 0, written: 3 });
    const values = await allValues(storage, tenantId, "win-rate");
    expect(values.map((v) => [v.teamId, v.date, v.value, v.source])).toEqual([
      ["team-a", "2026-08-01", 29.5, "csv"],
      ["team-b", "2026-08-01", 27, "csv"],
    ]);
    expect((await allValues(storage, tenantId, "nps"))[0]).toMatchObject({ teamId: null, value: 41 });
  });

  it("detects semicolons and reads decimal commas and day-first dates", async () => {
    const storage = await testStorage();
    const tenantId = await tenantWithKpis(storage);
    const csv = 'KPI;Team;Date;Value\nwin-rate;team-a;31/08/2026;30,25\nwin-rate;"team-b";01.09.2026;"28,5"\n';
    const report = await importKpiCsv(storage, tenantId, file(csv), { mode: "commit", dateOrder: "day-first" });
    expect(report).toMatchObject({ validRows: 2, written: 2 });
    const values = await allValues(storage, tenantId, "win-rate");
    expect(values.map((v) => [v.teamId, v.date, v.value])).toEqual([
      ["team-a", "2026-08-31", 30.25],
      ["team-b", "2026-09-01", 28.5],
    ]);
  });

  it("reports each broken rule by line and field, and writes nothing in a strict commit", async () => {
    const storage = await testStorage();
    const tenantId = await tenantWithKpis(storage);
    const csv = [
      "kpi,team,date,value",
      "win-rate,team-a,2026-08-01,29", // line 2: fine
      "churn,team-a,2026-08-01,3", // unknown KPI
      "win-rate,team-z,2026-08-01,3", // unknown team
      "win-rate,,2026-08-01,3", // team KPI without team
      "nps,team-a,2026-08-01,40", // organisation KPI with a team
      "win-rate,team-a,Aug 31 2026,29", // not a date
      "win-rate,team-a,2026-08-01,abc", // not a number
      ",team-a,2026-08-01,1", // empty kpi
      "win-rate,team-a", // too few fields
    ].join("\n");
    const report = await importKpiCsv(storage, tenantId, file(csv), { mode: "commit" });
    expect(report).toMatchObject({ rows: 9, validRows: 1, invalidRows: 8, written: 0 });
    expect(report.issues.map((i) => [i.row, i.field])).toEqual([
      [3, "kpi"],
      [4, "team"],
      [5, "team"],
      [6, "team"],
      [7, "date"],
      [8, "value"],
      [9, "kpi"],
      [10, "row"],
    ]);
    expect(report.issues[2]?.rule).toMatch(/is per team/);
    expect(report.issues[3]?.rule).toMatch(/organisation-wide/);
    expect(await allValues(storage, tenantId, "win-rate")).toEqual([]);
  });

  it("previews without writing, then writes only the valid rows once accepted", async () => {
    const storage = await testStorage();
    const tenantId = await tenantWithKpis(storage);
    const csv = "kpi,team,date,value\nwin-rate,team-a,2026-08-01,29\nwin-rate,team-q,2026-08-01,29\n";
    const preview = await importKpiCsv(storage, tenantId, file(csv), { mode: "preview" });
    expect(preview).toMatchObject({ validRows: 1, invalidRows: 1, written: 0 });
    expect(await allValues(storage, tenantId, "win-rate")).toEqual([]);
    const accepted = await importKpiCsv(storage, tenantId, file(csv), { mode: "commit-valid" });
    expect(accepted).toMatchObject({ validRows: 1, invalidRows: 1, written: 1 });
    expect(await allValues(storage, tenantId, "win-rate")).toHaveLength(1);
  });

  it("replaces a stored value only when asked, and never duplicates it", async () => {
    const storage = await testStorage();
    const tenantId = await tenantWithKpis(storage);
    await importKpiCsv(storage, tenantId, file("kpi,team,date,value\nwin-rate,team-a,2026-08-01,29\n"), {
      mode: "commit",
    });
    const corrected = "kpi;team;date;value\nwin-rate;team-a;01/08/2026;31,5\n";
    const refused = await importKpiCsv(storage, tenantId, file(corrected), { mode: "commit", dateOrder: "day-first" });
    expect(refused).toMatchObject({ invalidRows: 1, storedConflicts: 1, written: 0 });
    expect(refused.issues[0]?.rule).toMatch(/gives 31.5, but 29 is stored .*replace stored values/);
    const replaced = await importKpiCsv(storage, tenantId, file(corrected), {
      mode: "commit",
      dateOrder: "day-first",
      replace: true,
    });
    expect(replaced).toMatchObject({ validRows: 1, replaced: 1, written: 1 });
    expect(replaced.notes).toEqual([{ row: 2, note: "replaces the stored value 29" }]);
    const values = await allValues(storage, tenantId, "win-rate");
    expect(values.map((v) => [v.date, v.value])).toEqual([["2026-08-01", 31.5]]);
  });

  it("refuses a file whose header lacks a column or whose quotes never close, writing nothing", async () => {
    const storage = await testStorage();
    const tenantId = await tenantWithKpis(storage);
    await expect(
      importKpiCsv(storage, tenantId, file("kpi,team,value\nwin-rate,team-a,1\n"), { mode: "commit" }),
    ).rejects.toThrow(/missing: date/);
    const unclosed = 'kpi,team,date,value\nwin-rate,team-a,2026-08-01,29\nwin-rate,"team-b,2026-08-02,30\n';
    await expect(importKpiCsv(storage, tenantId, file(unclosed), { mode: "commit" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(importKpiCsv(storage, tenantId, file(""), { mode: "commit" })).rejects.toThrow(/empty/);
    expect(await allValues(storage, tenantId, "win-rate")).toEqual([]);
  });

  it("commit-valid writes nothing when the file breaks off after hundreds of good rows", async () => {
    const storage = await testStorage();
    const tenantId = await tenantWithKpis(storage);
    const day = (i: number) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
    const good = Array.from({ length: 250 }, (_, i) => `win-rate,team-a,${day(i)},${20 + i / 100}`);
    // An unclosed quote on line 253: the parser only finds out at the end of the file.
    const broken = ["kpi,team,date,value", ...good, "win-rate,team-q,2026-01-01,1", 'win-rate,"team-b,2026-08-02,30'];
    const written: unknown[] = [];
    await expect(
      importKpiCsv(storage, tenantId, file(broken.join("\n")), {
        mode: "commit-valid",
        afterWrite: async (_t, _k, values) => {
          written.push(...values);
        },
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await allValues(storage, tenantId, "win-rate")).toEqual([]);
    expect(written).toEqual([]);
    // The same rows without the broken line: the valid ones are written, the bad one skipped.
    const report = await importKpiCsv(storage, tenantId, file(broken.slice(0, -1).join("\n")), {
      mode: "commit-valid",
    });
    expect(report).toMatchObject({ validRows: 250, invalidRows: 1, written: 250 });
    expect(await allValues(storage, tenantId, "win-rate")).toHaveLength(250);
  });

  it("streams a file in small chunks, a row split across chunks included", async () => {
    const storage = await testStorage();
    const tenantId = await tenantWithKpis(storage);
    const lines = ["kpi,team,date,value"];
    for (let d = 1; d <= 250; d++) {
      const date = new Date(Date.UTC(2026, 0, d)).toISOString().slice(0, 10);
      lines.push(`win-rate,team-a,${date},${d}`, `win-rate,team-b,${date},${d + 0.5}`);
    }
    const text = Buffer.from(lines.join("\n"));
    const chunked = () =>
      Readable.from(Array.from({ length: Math.ceil(text.length / 7) }, (_, i) => text.subarray(i * 7, i * 7 + 7)));
    const seen: number[] = [];
    const report = await importKpiCsv(storage, tenantId, chunked, {
      mode: "commit",
      progressEvery: 100,
      onProgress: (n) => seen.push(n),
    });
    expect(report).toMatchObject({ rows: 500, validRows: 500, written: 500 });
    expect(seen).toContain(100);
    let count = 0;
    let token: string | undefined;
    do {
      const page = await storage.kpiValues.list(tenantId, "win-rate", { pageSize: 1000, continuationToken: token });
      count += page.items.length;
      token = page.continuationToken;
    } while (token);
    expect(count).toBe(500);
  });

  it("never reads another tenant's KPIs or teams", async () => {
    const storage = await testStorage();
    const owner = await tenantWithKpis(storage);
    const other = newTenantId();
    const report = await importKpiCsv(storage, other, file("kpi,team,date,value\nwin-rate,team-a,2026-08-01,29\n"), {
      mode: "commit-valid",
    });
    expect(report).toMatchObject({ validRows: 0, invalidRows: 1, written: 0 });
    expect(await allValues(storage, owner, "win-rate")).toEqual([]);
  });
});
