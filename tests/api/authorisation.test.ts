import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aProgram, STALE_ETAG } from "../support/fixtures.js";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

/**
 * The authorisation matrix: each role × each resource × own/other team × own/other tenant. Every refused
 * write is checked to have written nothing.
 */
let api: Api;
let a: World;
let b: World;
const tokens: Record<string, string> = {};

type Role = "admin" | "manager" | "otherManager" | "learner" | "outsider" | "adminOfB" | "roleAdminOfB";

beforeAll(async () => {
  api = await startApi();
  a = await seedWorld(api, { programStatus: "active" });
  b = await seedWorld(api, { programStatus: "active" });
  await api.storage.programs.save(aProgram(b.tenantId, { id: "b-only", name: "Tenant B's secret program" }));
  await api.storage.teams.save({
    id: "b-team",
    tenantId: b.tenantId,
    name: "B team",
    manager: { objectId: b.manager.objectId, displayName: "B", timeZone: "UTC", locale: "en-GB" },
    members: [],
  });
  const t = (tenantId: string, objectId: string, roles?: string[]) => api.entra.token({ tenantId, objectId, roles });
  tokens.admin = await t(a.tenantId, a.admin.objectId);
  tokens.manager = await t(a.tenantId, a.manager.objectId);
  tokens.otherManager = await t(a.tenantId, a.otherManager.objectId);
  tokens.learner = await t(a.tenantId, a.learner.objectId);
  tokens.outsider = await t(a.tenantId, a.outsider.objectId);
  // B's admin, presenting a token of tenant A (their oid is on B's admin list, not A's).
  tokens.adminOfB = await t(a.tenantId, b.admin.objectId);
  tokens.roleAdminOfB = await t(b.tenantId, b.outsider.objectId, ["Admin"]);
});
afterAll(() => api.stop());

const draft = (id: string) => ({ id, name: "Attempt" });

const adminOnly: [string, string, (id: string) => unknown][] = [
  ["GET", "/programs", () => undefined],
  ["POST", "/programs", (id) => draft(id)],
  ["GET", "/programs/prog-1", () => undefined],
  ["PUT", "/programs/prog-1", () => ({ name: "Hijacked" })],
  ["POST", "/programs/prog-1/transition", () => ({ to: "paused" })],
  ["POST", "/programs/prog-1/clone", (id) => ({ id, name: "Stolen copy" })],
  ["GET", "/programs/prog-1/view", () => undefined],
  ["GET", "/programs/prog-1/teams/team-a", () => undefined],
  ["GET", "/programs/prog-1/assets", () => undefined],
  [
    "POST",
    "/programs/prog-1/assets",
    (id) => ({
      id,
      title: "x",
      kind: "nudge",
      behaviourIds: ["open-questions"],
      content: { prompt: "p", style: "practice" },
    }),
  ],
  ["GET", "/kpis", () => undefined],
  [
    "POST",
    "/kpis",
    (id) => ({
      id,
      name: "x",
      unit: "%",
      direction: "higher_is_better",
      baseline: { value: 1, date: "2026-01-01" },
      target: { value: 2, date: "2026-02-01" },
      level: "team",
    }),
  ],
];

describe("admin-only resources", () => {
  const nonAdmins: Role[] = ["manager", "otherManager", "learner", "outsider", "adminOfB"];
  for (const [method, path, body] of adminOnly) {
    for (const role of nonAdmins) {
      it(`${role}: ${method} ${path} → 403, nothing written`, async () => {
        const id = `attempt-${role}`.toLowerCase();
        const res = await api.call(method, `/api/v1${path}`, {
          token: tokens[role],
          body: body(id),
          headers: method === "PUT" ? { "if-match": STALE_ETAG } : {},
        });
        expect(res.status).toBe(403);
        expect(JSON.stringify(res.body)).not.toMatch(/Discovery that wins|prog-1"/);
        expect(await api.storage.programs.get(a.tenantId, id)).toBeUndefined();
        expect(await api.storage.kpis.get(a.tenantId, id)).toBeUndefined();
        expect(await api.storage.assets.get(a.tenantId, "prog-1", id)).toBeUndefined();
      });
    }
    it(`admin: ${method} ${path} → allowed`, async () => {
      const id = `ok-${method}-${path}`
        .replace(/[^a-z0-9-]/gi, "-")
        .toLowerCase()
        .slice(0, 60);
      const fresh = await api.storage.programs.get(a.tenantId, "prog-1");
      const res = await api.call(method, `/api/v1${path}`, {
        token: tokens.admin,
        body: body(id),
        headers: method === "PUT" ? { "if-match": fresh?.etag ?? "" } : {},
      });
      expect([200, 201]).toContain(res.status);
    });
  }
});

describe("another tenant's ids", () => {
  const crossTenant: [string, string, unknown?][] = [
    ["GET", "/programs/b-only"],
    ["PUT", "/programs/b-only", { name: "Hijacked" }],
    ["POST", "/programs/b-only/transition", { to: "paused" }],
    ["POST", "/programs/b-only/clone", { name: "Stolen" }],
    ["GET", "/programs/b-only/view"],
    ["GET", "/programs/b-only/teams/b-team"],
    ["GET", "/programs/b-only/assets"],
    ["GET", "/teams/b-team/dashboard"],
  ];
  for (const [method, path, body] of crossTenant) {
    it(`admin of A: ${method} ${path} (tenant B's) → 404 with nothing of B in it`, async () => {
      const res = await api.call(method, `/api/v1${path}`, {
        token: tokens.admin,
        body,
        headers: { "if-match": STALE_ETAG },
      });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toMatch(/secret|B team/);
    });
  }

  it("B's Entra-role admin sees only B's programs, never A's", async () => {
    const res = await api.call("GET", "/api/v1/programs", { token: tokens.roleAdminOfB });
    expect(res.status).toBe(200);
    expect(res.body.items.every((p: { tenantId: string }) => p.tenantId === b.tenantId)).toBe(true);
    expect(res.body.items.map((p: { id: string }) => p.id)).toContain("b-only");
  });

  it("B's program is untouched after A's attempts", async () => {
    const program = await api.storage.programs.get(b.tenantId, "b-only");
    expect(program?.value).toMatchObject({ name: "Tenant B's secret program", status: "draft" });
  });
});

describe("teams and the manager view", () => {
  const dashboard: [Role, string, number][] = [
    ["admin", "team-a", 200],
    ["admin", "team-b", 200],
    ["manager", "team-a", 200],
    ["manager", "team-b", 403],
    ["otherManager", "team-a", 403],
    ["otherManager", "team-b", 200],
    ["learner", "team-a", 403],
    ["outsider", "team-a", 403],
    ["adminOfB", "team-a", 403],
    ["manager", "b-team", 403],
    ["admin", "no-such-team", 404],
  ];
  for (const [role, team, status] of dashboard) {
    it(`${role}: GET /teams/${team}/dashboard → ${status}`, async () => {
      const res = await api.call("GET", `/api/v1/teams/${team}/dashboard`, { token: tokens[role] });
      expect(res.status).toBe(status);
      if (status === 200) expect(res.body.team.id).toBe(team);
      else expect(res.body.team).toBeUndefined();
    });
  }

  const visible: [Role, string[]][] = [
    ["admin", ["team-a", "team-b"]],
    ["manager", ["team-a"]],
    ["otherManager", ["team-b"]],
    ["learner", ["team-a"]],
    ["outsider", []],
  ];
  for (const [role, teams] of visible) {
    it(`${role}: GET /teams lists ${teams.join(", ") || "nothing"}`, async () => {
      const res = await api.call("GET", "/api/v1/teams", { token: tokens[role] });
      expect(res.body.items.map((t: { id: string }) => t.id).sort()).toEqual(teams);
    });
  }
});

describe("the learner view is always the caller's own", () => {
  for (const role of ["admin", "manager", "learner", "outsider"] as Role[]) {
    it(`${role}: GET /me/learning → 200 about themself`, async () => {
      const res = await api.call("GET", "/api/v1/me/learning", { token: tokens[role] });
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body.nudges)).toBe(true);
    });
  }

  it("has no route that takes another person's id", async () => {
    const res = await api.call("GET", `/api/v1/people/${a.learner.objectId}/learning`, { token: tokens.admin });
    expect(res.status).toBe(404);
  });
});
