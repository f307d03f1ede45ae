import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { person } from "../support/fixtures.js";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

let api: Api;
let world: World;
let admin: string;
let manager: string;

beforeAll(async () => {
  api = await startApi();
  world = await seedWorld(api);
  admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
  manager = await api.entra.token({ tenantId: world.tenantId, objectId: world.manager.objectId });
});
afterAll(() => api?.stop());

const call = (method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>) =>
  api.call(method, `/api/v1${path}`, { token, body, headers });

const roster = () => ({
  name: "Inside Sales North",
  manager: person("Priya Raman", "Asia/Kolkata"),
  members: [person("Ana"), person("Ben"), person("Chen", "America/New_York")],
});

describe("team rosters through the API", () => {
  it("creates a team whose manager then sees it, and replaces the roster over its ETag", async () => {
    const input = roster();
    const created = await call("PUT", "/teams/north", admin, input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: "north", tenantId: world.tenantId, name: "Inside Sales North" });
    const etag = created.headers.get("etag") ?? "";

    // The new manager is recognised at once: their dashboard and the team's roster open for them.
    const newManager = await api.entra.token({ tenantId: world.tenantId, objectId: input.manager.objectId });
    expect((await call("GET", "/teams/north/dashboard", newManager)).status).toBe(200);
    const read = await call("GET", "/teams/north", newManager);
    expect(read.body.members).toHaveLength(3);
    expect(read.headers.get("etag")).toBe(etag);

    // Ben leaves: the roster changes and Ben no longer counts as a member of the team.
    const ben = input.members[1];
    const without = { ...input, members: input.members.filter((m) => m !== ben) };
    const updated = await call("PUT", "/teams/north", admin, without, { "if-match": etag });
    expect(updated.status).toBe(200);
    expect((await api.storage.teams.teamsOf(world.tenantId, ben?.objectId ?? "")).map((t) => t.teamId)).toEqual([]);
    const benToken = await api.entra.token({ tenantId: world.tenantId, objectId: ben?.objectId ?? "" });
    expect((await call("GET", "/teams", benToken)).body.items).toEqual([]);
  });

  it("refuses a stale or missing ETag on an existing team, writing nothing", async () => {
    const created = await call("PUT", "/teams/south", admin, roster());
    const etag = created.headers.get("etag") ?? "";
    await call("PUT", "/teams/south", admin, { ...roster(), name: "First rename" }, { "if-match": etag });
    const stale = await call("PUT", "/teams/south", admin, { ...roster(), name: "Second" }, { "if-match": etag });
    expect(stale.status).toBe(409);
    const missing = await call("PUT", "/teams/south", admin, { ...roster(), name: "Third" });
    expect(missing.status).toBe(428);
    expect((await api.storage.teams.get(world.tenantId, "south"))?.value.name).toBe("First rename");
  });

  it("names each bad field and writes nothing", async () => {
    const bad = { ...roster(), manager: { objectId: "not-a-guid", displayName: "", timeZone: "Mars/Olympus" } };
    const res = await call("PUT", "/teams/bad", admin, bad);
    expect(res.status).toBe(400);
    const fields = res.body.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(["manager.objectId", "manager.timeZone"]));
    expect(await api.storage.teams.get(world.tenantId, "bad")).toBeUndefined();
  });

  it("keeps rosters to admins, and the tenant to the token's", async () => {
    const learner = await api.entra.token({ tenantId: world.tenantId, objectId: world.learner.objectId });
    const outsider = await api.entra.token({ tenantId: world.tenantId, objectId: world.outsider.objectId });
    for (const token of [manager, learner, outsider]) {
      const res = await call("PUT", "/teams/team-a", token, roster(), { "if-match": "*" });
      expect(res.status).toBe(403);
      expect((await call("PUT", "/teams/made-by-non-admin", token, roster())).status).toBe(403);
    }
    expect((await api.storage.teams.get(world.tenantId, "team-a"))?.value.name).toBe("Team A");
    expect(await api.storage.teams.get(world.tenantId, "made-by-non-admin")).toBeUndefined();
    // A tenant id in the body is ignored: the team lands in the caller's tenant.
    const other = "00000000-0000-4000-8000-000000000001";
    const created = await call("PUT", "/teams/east", admin, { ...roster(), tenantId: other });
    expect(created.body.tenantId).toBe(world.tenantId);
    expect(await api.storage.teams.get(other, "east")).toBeUndefined();
    // Another manager may not read a roster that is not theirs.
    const otherManager = await api.entra.token({ tenantId: world.tenantId, objectId: world.otherManager.objectId });
    expect((await call("GET", "/teams/team-a", otherManager)).status).toBe(403);
  });
});

describe("roster upload through the API", () => {
  const csv = (rows: string[]) => ["team,team_name,role,object_id,display_name,time_zone", ...rows].join("\n");
  const upload = (mode: string, body: string, token = admin, type = "text/csv") =>
    api.call("POST", `/api/v1/team-imports?mode=${mode}`, { token, body, headers: { "content-type": type } });

  it("previews, then commits a roster; a bad row writes nothing and answers 400 with the report", async () => {
    const boss = person("Uma");
    const file = csv([
      `west,Inside Sales West,manager,${boss.objectId},Uma,Europe/Madrid`,
      `west,Inside Sales West,member,${person("Vic").objectId},Vic,Europe/Madrid`,
    ]);
    const preview = await upload("preview", file);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ rows: 2, teams: 1, issues: [], created: 0 });
    expect(await api.storage.teams.get(world.tenantId, "west")).toBeUndefined();
    const committed = await upload("commit", file);
    expect(committed.body).toMatchObject({ created: 1 });
    expect((await api.storage.teams.get(world.tenantId, "west"))?.value.manager.objectId).toBe(boss.objectId);

    const bad = await upload("commit", csv([`gone,Gone,member,${person("X").objectId},X,Europe/London`]));
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ row: 2, field: "role", rule: 'team "gone" has no manager row' }]);
    expect(await api.storage.teams.get(world.tenantId, "gone")).toBeUndefined();
  });

  it("takes an HR export with team names, known people by name and a repeated row, and stores what it counts", async () => {
    const [lead, rep] = [person("Rhea Nair", "Asia/Kolkata"), person("Sol Díaz", "Europe/Madrid")];
    const hr = [
      "\uFEFFTeam Name;Role;Object ID;Display Name;Time Zone",
      `Renewals Nórth;manager;${lead.objectId};Rhea Nair;Asia/Kolkata`,
      `Renewals Nórth;member;${rep.objectId};Sol Díaz;Europe/Madrid`,
      `renewals NÓRTH;member;${rep.objectId};Sol Díaz;Europe/Madrid`, // the same row, the name in other case
      "Renewals Nórth;member;;Member 1;", // on Team A's roster already: found by name
    ].join("\r\n");
    const preview = await upload("preview", hr);
    expect(preview.body).toMatchObject({ rows: 4, teams: 1, people: 3, duplicates: 1, issues: [] });
    expect(preview.body.notes).toEqual([{ row: 4, note: "repeats line 3: counted once" }]);
    const committed = await upload("commit", hr);
    expect(committed.body).toMatchObject({ created: 1, replaced: 0 });
    const teams = (await api.call("GET", "/api/v1/teams", { token: admin })).body.items;
    const created = teams.find((t: { name: string }) => t.name === "Renewals Nórth");
    expect(created).toMatchObject({ id: "renewals-north", members: 2, manager: { displayName: "Rhea Nair" } });
    const roster = (await api.call("GET", `/api/v1/teams/${created.id}`, { token: admin })).body;
    expect(roster.members.map((m: { displayName: string }) => m.displayName)).toEqual(["Sol Díaz", "Member 1"]);
    const unknownQuery = await api.call("POST", "/api/v1/team-imports?mode=preview&dryRun=1", {
      token: admin,
      body: hr,
      headers: { "content-type": "text/csv" },
    });
    expect(unknownQuery.body.issues[0]).toMatchObject({ field: "dryRun" });
  });

  it("is for admins, takes CSV only, and names a bad mode", async () => {
    const file = csv([`mine,Mine,manager,${person("M").objectId},M,Europe/London`]);
    expect((await upload("commit", file, manager)).status).toBe(403);
    expect(await api.storage.teams.get(world.tenantId, "mine")).toBeUndefined();
    expect((await upload("commit", file, admin, "application/xml")).status).toBe(415);
    const mode = await upload("overwrite", file);
    expect(mode.status).toBe(400);
    expect(mode.body.issues[0].field).toBe("mode");
  });
});
