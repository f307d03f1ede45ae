import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

let api: Api;
let world: World;

beforeAll(async () => {
  api = await startApi();
  world = await seedWorld(api);
});
afterAll(() => api.stop());

const me = (token?: string) => api.call("GET", "/api/v1/me", { token });
const learner = () => ({ tenantId: world.tenantId, objectId: world.learner.objectId });

describe("token verification", () => {
  it("accepts a valid Entra token and takes identity from tid and oid", async () => {
    const res = await me(await api.entra.token(learner()));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenantId: world.tenantId, objectId: world.learner.objectId });
    expect(res.body.roles).toEqual({ admin: false, manager: false, learner: true });
  });

  it("accepts the app's api:// URI as audience", async () => {
    const token = await api.entra.token(learner(), { claims: { aud: api.entra.appIdUri } });
    expect((await me(token)).status).toBe(200);
  });

  const refusals: [string, () => Promise<string | undefined>, RegExp][] = [
    ["no token", async () => undefined, /missing bearer token/],
    ["a malformed token", async () => "not.a.jwt", /malformed|could not be verified/],
    ["a forged signature", () => api.entra.token(learner(), { signWith: "forger" }), /signature/],
    ["an expired token", () => api.entra.token(learner(), { expiresIn: -3600 }), /expired/],
    ["another app's audience", () => api.entra.token(learner(), { claims: { aud: randomUUID() } }), /audience/],
    [
      "an issuer of another tenant",
      () => api.entra.token(learner(), { claims: { iss: `https://login.microsoftonline.com/${randomUUID()}/v2.0` } }),
      /issuer/,
    ],
    [
      "a v1 issuer",
      () => api.entra.token(learner(), { claims: { iss: `https://sts.windows.net/${world.tenantId}/` } }),
      /issuer/,
    ],
    [
      "a tenant that is not registered",
      () => api.entra.token({ tenantId: randomUUID(), objectId: randomUUID() }),
      /tenant is not allowed/,
    ],
    ["the wrong scope", () => api.entra.token(learner(), { claims: { scp: "User.Read" } }), /access_as_user/],
    ["no scope", () => api.entra.token(learner(), { omit: ["scp"] }), /access_as_user/],
    ["no oid", () => api.entra.token(learner(), { omit: ["oid"] }), /object id/],
    ["no tid", () => api.entra.token(learner(), { omit: ["tid"] }), /tenant id/],
    [
      "a token not valid yet",
      () => api.entra.token(learner(), { claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }),
      /nbf/,
    ],
    [
      "an unsigned token (alg none)",
      async () => {
        const [, payload] = (await api.entra.token(learner())).split(".");
        return `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
      },
      /algorithm|malformed|could not be verified/,
    ],
  ];

  for (const [name, make, reason] of refusals) {
    it(`refuses ${name} with 401 and a reason`, async () => {
      const res = await me(await make());
      expect(res.status).toBe(401);
      expect(res.body.reason).toMatch(reason);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    });
  }

  it("writes nothing when a forged token tries to create a program", async () => {
    const forged = await api.entra.token(
      { tenantId: world.tenantId, objectId: world.admin.objectId },
      { signWith: "forger" },
    );
    const res = await api.call("POST", "/api/v1/programs", { token: forged, body: { id: "forged", name: "Forged" } });
    expect(res.status).toBe(401);
    expect(await api.storage.programs.get(world.tenantId, "forged")).toBeUndefined();
  });

  it("ignores a tenant id in the body: the program lands in the token's tenant", async () => {
    const token = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
    const other = randomUUID();
    const res = await api.call("POST", "/api/v1/programs", {
      token,
      body: { id: "mine", name: "Mine", tenantId: other },
    });
    expect(res.status).toBe(201);
    expect(res.body.tenantId).toBe(world.tenantId);
    expect(await api.storage.programs.get(other, "mine")).toBeUndefined();
  });
});

describe("roles", () => {
  it("makes an admin of a holder of the Entra app role Admin", async () => {
    const token = await api.entra.token({
      tenantId: world.tenantId,
      objectId: world.outsider.objectId,
      roles: ["Admin"],
    });
    expect((await me(token)).body.roles.admin).toBe(true);
  });

  it("makes an admin of a person on the tenant's admin list", async () => {
    const token = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
    expect((await me(token)).body.roles).toEqual({ admin: true, manager: false, learner: false });
  });

  it("makes a manager of the person who manages a team, with that team listed", async () => {
    const token = await api.entra.token({ tenantId: world.tenantId, objectId: world.manager.objectId });
    const res = await me(token);
    expect(res.body.roles).toEqual({ admin: false, manager: true, learner: false });
    expect(res.body.teams).toEqual([{ id: "team-a", name: "Team A", role: "manager" }]);
  });

  it("gives no role to a person of the tenant in no team", async () => {
    const token = await api.entra.token({ tenantId: world.tenantId, objectId: world.outsider.objectId });
    expect((await me(token)).body.roles).toEqual({ admin: false, manager: false, learner: false });
  });
});
