import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/index.js";
import { importRosterCsv } from "../../src/roster/index.js";
import { newTenantId, testStorage, testStorageTarget } from "../support/storage.js";

const [m1, a, b, c, m2, d] = Array.from({ length: 6 }, () => randomUUID());
const header = "team;team_name;role;object_id;display_name;time_zone;locale";
const goodFile = [
  `\uFEFF${header}`,
  `north;Inside Sales North;manager;${m1};Priya Raman;Asia/Kolkata;en-IN`,
  `north;Inside Sales North;member;${a};"Ana; the closer";Europe/London;`,
  `north;Inside Sales North;member;${b};Ben;Europe/London;`,
  `south;Inside Sales South;Manager;${m2};Sam Ortiz;America/New_York;en-US`,
  `south;Inside Sales South;member;${c};Chen;America/New_York;`,
].join("\r\n");

describe("importing team rosters from CSV", () => {
  it("creates each team with its manager and members, and a second file replaces a roster", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const preview = await importRosterCsv(storage, tenantId, goodFile, { mode: "preview" });
    expect(preview).toMatchObject({ rows: 5, teams: 2, people: 5, issues: [], created: 0, replaced: 0 });
    expect(await storage.teams.get(tenantId, "north")).toBeUndefined();

    const done = await importRosterCsv(storage, tenantId, goodFile, { mode: "commit" });
    expect(done).toMatchObject({ created: 2, replaced: 0 });
    const north = (await storage.teams.get(tenantId, "north"))?.value;
    expect(north?.manager).toMatchObject({ objectId: m1, displayName: "Priya Raman", timeZone: "Asia/Kolkata" });
    expect(north?.members.map((m) => [m.displayName, m.locale])).toEqual([
      ["Ana; the closer", "en-US"],
      ["Ben", "en-US"],
    ]);
    expect((await storage.teams.teamsOf(tenantId, m1 ?? "")).map((t) => [t.teamId, t.role])).toEqual([
      ["north", "manager"],
    ]);

    // Next month's export: Ben has left north, Dee has joined; south is not in the file and stays as it was.
    const next = [
      header,
      `north;Inside Sales North;manager;${m1};Priya Raman;Asia/Kolkata;en-IN`,
      `north;Inside Sales North;member;${a};Ana;Europe/London;`,
      `north;Inside Sales North;member;${d};Dee;Europe/Berlin;de-DE`,
    ].join("\n");
    expect(await importRosterCsv(storage, tenantId, next, { mode: "commit" })).toMatchObject({
      created: 0,
      replaced: 1,
    });
    const after = (await storage.teams.get(tenantId, "north"))?.value;
    expect(after?.members.map((m) => m.displayName)).toEqual(["Ana", "Dee"]);
    expect(await storage.teams.teamsOf(tenantId, b ?? "")).toEqual([]);
    expect((await storage.teams.get(tenantId, "south"))?.value.members).toHaveLength(1);
  });

  it("reports every bad row by line and field, and writes nothing", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const bad = [
      "team,team_name,role,object_id,display_name,time_zone",
      `east,East,manager,${randomUUID()},Eve,Europe/London`,
      `east,East,manager,${randomUUID()},Evan,Europe/London`, // a second manager
      `east,East,boss,${randomUUID()},Ed,Europe/London`, // no such role
      `east,East,member,not-a-guid,Eli,Mars/Olympus`, // bad id and zone
      `west,West,member,${randomUUID()},Wes,Europe/London`, // a team without a manager
      `east,East Side,member,${randomUUID()},Ema,Europe/London`, // the team's name differs
      `ok,Fine,manager,${randomUUID()},Olu,Africa/Lagos`,
    ].join("\n");
    const report = await importRosterCsv(storage, tenantId, bad, { mode: "commit" });
    expect(report.issues.map((i) => [i.row, i.field])).toEqual([
      [3, "role"],
      [4, "role"],
      [5, "object_id"],
      [5, "time_zone"],
      [6, "role"],
      [7, "team_name"],
    ]);
    expect(report.issues[0]?.rule).toBe('team "east" already has a manager on line 2');
    expect(report.issues[4]?.rule).toBe('team "west" has no manager row');
    expect(report).toMatchObject({ rows: 7, created: 0, replaced: 0 });
    // All or nothing: even the valid team "ok" is not written.
    expect(await storage.teams.get(tenantId, "ok")).toBeUndefined();
    expect(await storage.teams.get(tenantId, "east")).toBeUndefined();
  });

  it("flags a person listed twice in one team with different details on both rows", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const twice = randomUUID();
    const file = [
      "team,team_name,role,object_id,display_name,time_zone",
      `t,T,manager,${randomUUID()},Mo,Europe/London`,
      `t,T,member,${twice},Al,Europe/London`,
      `t,T,member,${twice},Al again,Europe/London`,
    ].join("\n");
    const report = await importRosterCsv(storage, tenantId, file, { mode: "commit" });
    expect(report.issues).toEqual([
      {
        row: 3,
        field: "object_id",
        rule: `lists the same person (${twice}) in this team as line 4 does, but as member "Al again, Europe/London, en-US": keep one row`,
      },
      {
        row: 4,
        field: "object_id",
        rule: `lists the same person (${twice}) in this team as line 3 does, but as member "Al, Europe/London, en-US": keep one row`,
      },
    ]);
    expect(await storage.teams.get(tenantId, "t")).toBeUndefined();
  });

  it("reports a row with fields missing on its own line, even as the first row; a bare header is checked too", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const short = ["team,team_name,role,object_id,display_name,time_zone", `t1,Team,manager,${randomUUID()},Ann`];
    const report = await importRosterCsv(storage, tenantId, short.join("\n"), { mode: "commit" });
    expect(report.issues).toEqual([
      { row: 2, field: "time_zone", rule: "must be an IANA time zone such as Europe/London" },
    ]);
    await expect(importRosterCsv(storage, tenantId, "team,name\n", { mode: "commit" })).rejects.toThrow(/missing/);
    expect(await importRosterCsv(storage, tenantId, `${short[0]}\n`, { mode: "commit" })).toMatchObject({
      rows: 0,
      teams: 0,
      created: 0,
    });
  });

  it("refuses a file without the roster's columns, or with a broken quote, naming the problem", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    await expect(importRosterCsv(storage, tenantId, "team,name\nx,y\n", { mode: "commit" })).rejects.toThrow(
      /missing role, display_name/,
    );
    await expect(
      importRosterCsv(storage, tenantId, `${header}\nx;X;manager;"${randomUUID()};Zed;UTC\n`, { mode: "commit" }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(importRosterCsv(storage, tenantId, "", { mode: "commit" })).rejects.toThrow(/the file is empty/);
  });
});

describe("a roster as people export it", () => {
  it("finds teams by name or id and known people by name, counts a repeated row once, notes a near-miss name", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    await importRosterCsv(storage, tenantId, goodFile, { mode: "commit" }); // north (Priya, Ana, Ben), south
    const [nina, omar] = [randomUUID(), randomUUID()];
    // HR's export: BOM, ";", headers in words, teams by name only, Priya and Ben without their object ids.
    const hr = [
      "\uFEFFTeam Name;Role;Object ID;Display Name;Time Zone",
      "inside sales NORTH;manager;;Priya Raman;", // 2: the existing team "north", Priya as she is on its roster
      `Inside Sales North;member;${nina};Nina;Europe/Oslo`, // 3
      "Inside Sales North;member;;ben;", // 4: a known person, by name in any case
      `Inside Sales North;member;${nina};Nina;Europe/Oslo`, // 5: the same row again
      `Inside Sales Nort;manager;${omar};Omar;Europe/Paris`, // 6: a new team, one letter from an existing one
    ].join("\r\n");
    const preview = await importRosterCsv(storage, tenantId, hr, { mode: "preview" });
    expect(preview).toMatchObject({ rows: 5, teams: 2, people: 4, duplicates: 1, issues: [] });
    expect(preview.notes).toEqual([
      { row: 5, note: "repeats line 3: counted once" },
      { row: 6, note: '"Inside Sales Nort" is a new team (did you mean "Inside Sales North" (north)?)' },
    ]);
    const done = await importRosterCsv(storage, tenantId, hr, { mode: "commit" });
    expect(done).toMatchObject({ created: 1, replaced: 1 });
    const north = (await storage.teams.get(tenantId, "north"))?.value;
    expect(north?.manager).toMatchObject({ objectId: m1, displayName: "Priya Raman", timeZone: "Asia/Kolkata" });
    expect(north?.members.map((m) => [m.displayName, m.timeZone])).toEqual([
      ["Nina", "Europe/Oslo"],
      ["ben", "Europe/London"],
    ]);
    expect(north?.members[1]?.objectId).toBe(b);
    expect((await storage.teams.get(tenantId, "inside-sales-nort"))?.value.manager.displayName).toBe("Omar");
  });

  it("reports a person nobody knows by name, and one person described two ways in two teams", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    await importRosterCsv(storage, tenantId, goodFile, { mode: "commit" });
    const [x, y] = [randomUUID(), randomUUID()];
    const file = [
      "team,team_name,role,object_id,display_name,time_zone",
      "north,,manager,,Priya Ramen,", // 2: no such person (a typo)
      `,Inside Sales North,member,${x},Xi,Asia/Tokyo`, // 3: in north, whose manager row is line 2
      `south,,manager,${y},Yan,Europe/Rome`, // 4
      `south,,member,${x},Xi,Europe/Rome`, // 5: Xi in another time zone than on line 3
    ].join("\n");
    const report = await importRosterCsv(storage, tenantId, file, { mode: "commit" });
    expect(report.issues).toEqual([
      {
        row: 2,
        field: "object_id",
        rule: `is required: no one named "Priya Ramen" is on a roster here (did you mean "Priya Raman" (${m1})?)`,
      },
      { row: 3, field: "role", rule: 'team "north" has no manager row' },
      {
        row: 5,
        field: "display_name",
        rule: `describes the same person (${x}) as "Xi, Europe/Rome, en-US", but line 3 as "Xi, Asia/Tokyo, en-US": one person has one name and time zone`,
      },
    ]);
    expect(report).toMatchObject({ created: 0, replaced: 0 });
    expect((await storage.teams.get(tenantId, "south"))?.value.manager.displayName).toBe("Sam Ortiz");
  });
});

describe("npm run import:teams", () => {
  it("imports a roster file into the configured storage, and exits 1 with the report on a bad one", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const dir = mkdtempSync(join(tmpdir(), "roster-"));
    const good = join(dir, "good.csv");
    writeFileSync(good, goodFile);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, `${header}\nx;X;member;${randomUUID()};Xi;Europe/London;\n`);
    const env = {
      ...process.env,
      STORAGE_CONNECTION_STRING: testStorageTarget().connectionString,
      LOG_LEVEL: "silent",
    };
    const run = (file: string) =>
      promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "src/roster/import-teams-cli.ts", file, "--tenant", tenantId],
        { env },
      ).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    const ok = await run(good);
    expect(ok.stdout).toMatch(/5 rows, 2 teams: 2 created, 0 replaced/);
    expect(ok.code).toBe(0);
    const refused = await run(bad);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/line 2: role: team "x" has no manager row/);
    expect(refused.stdout).toMatch(/nothing was written/);
    expect(await storage.teams.get(tenantId, "x")).toBeUndefined();
    expect((await storage.teams.get(tenantId, "south"))?.value.name).toBe("Inside Sales South");
  });
});
