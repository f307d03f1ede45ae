import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { aKpi, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage, testStorageTarget } from "../support/storage.js";

const run = promisify(execFile);

// Each call starts the CLI afresh (node + tsx): on a loaded machine a few of them take longer than a unit test.
vi.setConfig({ testTimeout: 180_000 });

async function cli(args: string[]) {
  const env = { ...process.env, STORAGE_CONNECTION_STRING: testStorageTarget().connectionString, LOG_LEVEL: "silent" };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", "src/measure/cli/import-kpis.ts", ...args],
      {
        env,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm run import:kpis", () => {
  it("imports a day-first semicolon file into the configured storage, and refuses a file with bad rows", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    await storage.kpis.save(aKpi(tenantId));
    await storage.teams.save(aTeam(tenantId));
    const dir = mkdtempSync(join(tmpdir(), "kpis-"));
    const good = join(dir, "good.csv");
    writeFileSync(good, "\uFEFFkpi;team;date;value\nwin-rate;team-a;31/08/2026;29,5\n");
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "kpi,team,date,value\nwin-rate,team-a,2026-09-30,30\nwin-rate,team-x,2026-09-30,30\n");

    const ok = await cli([good, "--tenant", tenantId, "--day-first"]);
    expect(ok.stdout).toMatch(/1 rows: 1 valid, 0 invalid; .*1 written/);
    expect(ok.code).toBe(0);

    const refused = await cli([bad, "--tenant", tenantId]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/line 3: team: no team "team-x"/);
    expect(refused.stdout).toMatch(/nothing was written/);
    const values = (await storage.kpiValues.list(tenantId, "win-rate")).items;
    expect(values.map((v) => [v.date, v.value])).toEqual([["2026-08-31", 29.5]]);

    const accepted = await cli([bad, "--tenant", tenantId, "--accept-valid"]);
    expect(accepted.stdout).toMatch(/1 written/);
    expect((await storage.kpiValues.list(tenantId, "win-rate")).items).toHaveLength(2);
  });

  it("matches names, reads the date order off the file, and asks only when the dates read both ways", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    await storage.kpis.save(aKpi(tenantId));
    await storage.teams.save(aTeam(tenantId, { id: "renewals-north", name: "Renewals North" }));
    const dir = mkdtempSync(join(tmpdir(), "kpis-"));
    const named = join(dir, "named.csv");
    writeFileSync(
      named,
      "KPI;Team;Date;Value\nWin Rate;renewals north;31/10/2026;30,5\nwin rate;Renewals Nrth;30/09/2026;29\n",
    );
    const partly = await cli([named, "--tenant", tenantId, "--accept-valid"]);
    expect(partly.stdout).toMatch(
      /line 3: team: no team "Renewals Nrth" in this tenant \(did you mean "Renewals North"/,
    );
    expect(partly.stdout).toMatch(/1 written .*dates read day-first \(file\)/);

    const ambiguous = join(dir, "ambiguous.csv");
    writeFileSync(ambiguous, "kpi,team,date,value\nwin-rate,renewals-north,03/04/2026,27\n");
    const asked = await cli([ambiguous, "--tenant", tenantId]);
    expect(asked.code).toBe(1);
    expect(asked.stdout).toMatch(
      /--day-first: 03\/04\/2026 is 3 April 2026\n {2}--month-first: 03\/04\/2026 is March 4, 2026/,
    );
    expect(asked.stdout).toMatch(/nothing was written: run again with --day-first or --month-first/);
    const answered = await cli([ambiguous, "--tenant", tenantId, "--month-first"]);
    expect(answered.code).toBe(0);
    const values = (await storage.kpiValues.list(tenantId, "win-rate")).items;
    expect(values.map((v) => [v.date, v.value])).toEqual([
      ["2026-03-04", 27],
      ["2026-10-31", 30.5],
    ]);
  });

  it("prints its help, naming the storage it needs, when arguments are missing", async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/STORAGE_CONNECTION_STRING/);
  });
});
