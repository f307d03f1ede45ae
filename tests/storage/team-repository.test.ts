import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/index.js";
import { AlreadyExistsError, ConcurrencyError } from "../../src/storage/index.js";
import { aTeam, person } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

describe("TeamRepository", () => {
  it("saves a team with its people index in one go, and finds people's teams", async () => {
    const { teams } = await testStorage();
    const tenantId = newTenantId();
    const team = aTeam(tenantId);
    const saved = await teams.save(team);
    expect((await teams.get(tenantId, "team-a"))?.value).toEqual(saved.value);

    expect(await teams.teamsOf(tenantId, team.manager.objectId)).toEqual([
      { tenantId, objectId: team.manager.objectId, teamId: "team-a", role: "manager" },
    ]);
    const member = team.members[0]?.objectId ?? "";
    expect((await teams.teamsOf(tenantId, member.toUpperCase())).map((t) => t.role)).toEqual(["member"]);
  });

  it("updates the index when people leave, and only over the current etag", async () => {
    const { teams } = await testStorage();
    const tenantId = newTenantId();
    const team = aTeam(tenantId);
    const first = await teams.save(team);
    const leaver = team.members[0]?.objectId ?? "";
    const joiner = person("New joiner");
    const second = await teams.save({ ...team, members: [...team.members.slice(1), joiner] }, first.etag);
    expect(await teams.teamsOf(tenantId, leaver)).toEqual([]);
    expect((await teams.teamsOf(tenantId, joiner.objectId)).map((t) => t.teamId)).toEqual(["team-a"]);

    await expect(teams.save({ ...team, name: "Stale" }, first.etag)).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await teams.get(tenantId, "team-a"))?.etag).toBe(second.etag);
    expect((await teams.teamsOf(tenantId, leaver)).length).toBe(0);
  });

  it("refuses a second team with the same id, leaving the first and its index untouched", async () => {
    const { teams } = await testStorage();
    const tenantId = newTenantId();
    const team = aTeam(tenantId);
    await teams.save(team);
    const intruder = person("Intruder");
    await expect(teams.save({ ...team, members: [intruder] })).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await teams.teamsOf(tenantId, intruder.objectId)).toEqual([]);
  });

  it("rejects an invalid team and writes nothing", async () => {
    const { teams } = await testStorage();
    const tenantId = newTenantId();
    const team = aTeam(tenantId, { manager: { ...person("M"), timeZone: "Moon/Base" } });
    await expect(teams.save(team)).rejects.toThrow(ValidationError);
    expect(await teams.get(tenantId, "team-a")).toBeUndefined();
    expect(await teams.teamsOf(tenantId, team.manager.objectId)).toEqual([]);
  });

  it("lists teams without the index rows, a page at a time", async () => {
    const { teams } = await testStorage();
    const tenantId = newTenantId();
    for (const id of ["t1", "t2", "t3"])
      await teams.save(aTeam(tenantId, { id, manager: person(`M ${id}`), members: [person("x")] }));
    const first = await teams.list(tenantId, { pageSize: 2 });
    const second = await teams.list(tenantId, { pageSize: 2, continuationToken: first.continuationToken });
    expect([...first.items, ...second.items].map((t) => t.value.id)).toEqual(["t1", "t2", "t3"]);
    expect(second.continuationToken).toBeUndefined();
  });
});
