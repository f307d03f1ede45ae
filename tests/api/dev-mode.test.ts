import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { DEMO_ADMIN, DEMO_MANAGER, DEMO_TENANT_ID, seedWinRatePilot } from "../../src/demo/index.js";
import { type Api, startApi } from "./api-harness.js";

describe("dev mode sign-in", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi({ dev: true });
    await seedWinRatePilot(api.storage);
  });
  afterAll(() => api.stop());

  it("lists the demo people to sign in as", async () => {
    const res = await api.call("GET", "/api/v1/dev/people");
    expect(res.body.tenantId).toBe(DEMO_TENANT_ID);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: DEMO_ADMIN.name, role: "admin" }),
        expect.objectContaining({ name: DEMO_MANAGER.name, role: "manager", team: "Enterprise EMEA" }),
      ]),
    );
  });

  it("issues a token that the same verifier accepts, with roles from storage", async () => {
    const { body } = await api.call("POST", "/api/v1/dev/token", { body: { objectId: DEMO_MANAGER.objectId } });
    const me = await api.call("GET", "/api/v1/me", { token: body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ objectId: DEMO_MANAGER.objectId, roles: { manager: true, admin: false } });
    const dashboard = await api.call("GET", `/api/v1/teams/${DEMO_MANAGER.teamId}/dashboard`, { token: body.token });
    expect(dashboard.body.programs[0].programName).toBe("Discovery that wins");
  });

  it("signs only demo people, and a tampered dev token is refused", async () => {
    const stranger = await api.call("POST", "/api/v1/dev/token", {
      body: { objectId: "00000000-0000-4000-8000-000000000000" },
    });
    expect(stranger.status).toBe(404);
    const { body } = await api.call("POST", "/api/v1/dev/token", { body: { objectId: DEMO_ADMIN.objectId } });
    const [h, p, s] = body.token.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const tampered = [
      h,
      Buffer.from(JSON.stringify({ ...claims, oid: DEMO_MANAGER.objectId })).toString("base64url"),
      s,
    ].join(".");
    expect((await api.call("GET", "/api/v1/me", { token: tampered })).status).toBe(401);
  });
});

describe("without dev mode", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());

  it("has no token endpoint", async () => {
    const res = await api.call("POST", "/api/v1/dev/token", { body: { objectId: DEMO_ADMIN.objectId } });
    expect(res.status).toBe(401);
    expect(res.body.token).toBeUndefined();
  });
});

/** Everything production needs besides the API's own settings, so each case fails on what it is about. */
const production = {
  NODE_ENV: "production",
  STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
  BOT_ID: "2b7f0c3e-1d4a-4c5b-8e9f-0a1b2c3d4e5f",
  BOT_PASSWORD: "secret",
  ALLOWED_TENANT_IDS: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
  API_KEY_PEPPER: "p".repeat(32),
};

describe("auth config", () => {
  it("turns dev mode on for a zero-config development start", () => {
    expect(loadConfig({}, { dev: true }).auth.devMode).toBe(true);
  });

  it("is off unless the start command asks for it: without --dev a client id is required", () => {
    expect(() => loadConfig({ BOT_DEV_MODE: "true" })).toThrow(/AUTH_CLIENT_ID: is required unless AUTH_DEV_MODE=true/);
    expect(loadConfig({ BOT_DEV_MODE: "true", AUTH_DEV_MODE: "true" }).auth.devMode).toBe(true);
  });

  it("refuses dev mode in production", () => {
    expect(() => loadConfig({ ...production, AUTH_CLIENT_ID: "x", AUTH_DEV_MODE: "true" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, AUTH_DEV_MODE: "true" })).toThrow(/AUTH_DEV_MODE/);
  });

  it("needs a client id in production and names bad values", () => {
    expect(() => loadConfig(production)).toThrow(/AUTH_CLIENT_ID/);
    expect(loadConfig({ ...production, AUTH_CLIENT_ID: "x" }).auth.devMode).toBe(false);
    expect(() => loadConfig({ ALLOWED_TENANT_IDS: "contoso" })).toThrow(/ALLOWED_TENANT_IDS/);
    expect(() => loadConfig({ AUTH_JWKS_URL: "http://evil.example/keys" })).toThrow(/AUTH_JWKS_URL/);
    const config = loadConfig(
      {
        AUTH_CLIENT_ID: "abc",
        AUTH_APP_ID_URI: "api://localhost/abc",
        ALLOWED_TENANT_IDS: "6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B",
      },
      { dev: true },
    );
    expect(config.auth).toMatchObject({
      clientId: "abc",
      devMode: false,
      allowedTenants: ["6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"],
    });
    // One list serves the bot and the API alike.
    expect(config.bot.allowedTenantIds).toEqual(config.auth.allowedTenants);
  });

  it("refuses the former API-only tenant list instead of ignoring it", () => {
    expect(() =>
      loadConfig(
        { AUTH_CLIENT_ID: "abc", AUTH_ALLOWED_TENANTS: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" },
        { dev: true },
      ),
    ).toThrow(/AUTH_ALLOWED_TENANTS: is replaced by ALLOWED_TENANT_IDS/);
  });

  it("serves the demo tenant alone in dev mode when no list is given, never whoever is in storage", () => {
    expect(loadConfig({ AUTH_CLIENT_ID: "abc" }, { dev: true }).auth.allowedTenants).toEqual([DEMO_TENANT_ID]);
  });
});
