import { describe, expect, it } from "vitest";
import { TEAM_LIST_TTL_MS, teamsOfProgram } from "../../src/dashboard/index.js";
import { aProgram, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

describe("the teams of a program", () => {
  it("reads a large program's teams in one list, reused by the instance for a short while only", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const ids = Array.from({ length: 60 }, (_, i) => `team-${String(i).padStart(2, "0")}`);
    await Promise.all(ids.map((id) => storage.teams.save(aTeam(tenantId, { id, name: `Team ${id}` }))));
    await storage.teams.save(aTeam(tenantId, { id: "not-in-program" }));
    const program = aProgram(tenantId, {
      teams: [...ids.map((teamId) => ({ teamId, role: "pilot" as const })), { teamId: "gone", role: "comparison" }],
    });
    const at = 1_000_000;
    const first = await teamsOfProgram(storage, program, at);
    expect([...first.keys()]).toEqual(ids);
    expect(first.get("team-07")?.name).toBe("Team team-07");

    const found = await storage.teams.get(tenantId, "team-07");
    if (!found) throw new Error("no team");
    await storage.teams.save({ ...found.value, name: "Renamed" }, found.etag);
    expect((await teamsOfProgram(storage, program, at + 1_000)).get("team-07")?.name).toBe("Team team-07");
    expect((await teamsOfProgram(storage, program, at + TEAM_LIST_TTL_MS)).get("team-07")?.name).toBe("Renamed");
  });

  it("reads a small program's teams one by one, fresh every time", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    await storage.teams.save(aTeam(tenantId, { id: "team-a" }));
    const program = aProgram(tenantId);
    expect([...(await teamsOfProgram(storage, program)).keys()]).toEqual(["team-a"]);
    const found = await storage.teams.get(tenantId, "team-a");
    if (!found) throw new Error("no team");
    await storage.teams.save({ ...found.value, name: "Renamed" }, found.etag);
    expect((await teamsOfProgram(storage, program)).get("team-a")?.name).toBe("Renamed");
  });
});
