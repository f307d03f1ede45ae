import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeThroughline } from "../../src/composition.js";
import { placeholderTenantName } from "../../src/domain/index.js";
import { TenantOnboarding } from "../../src/onboarding/index.js";
import type { Storage } from "../../src/storage/index.js";
import { type BotConnectorSimulator, startBotConnectorSimulator } from "../support/bot-connector-simulator.js";
import { type EntraSimulator, startEntraSimulator } from "../support/entra-simulator.js";
import { newTenantId, testStorage } from "../support/storage.js";
import { testConfig } from "../support/test-config.js";

const now = () => new Date("2026-12-02T09:00:00.000Z");

describe("TenantOnboarding", () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await testStorage();
  });

  it("creates an allowed tenant once, however many first requests race", async () => {
    const tenantId = newTenantId();
    const onboarding = new TenantOnboarding({ storage, allowedTenantIds: [tenantId], now });
    const rows = await Promise.all(Array.from({ length: 6 }, () => onboarding.ensure(tenantId, "sign-in")));
    expect(new Set(rows.map((r) => r?.etag)).size).toBe(1);
    expect(rows[0]?.value).toMatchObject({
      id: tenantId,
      displayName: placeholderTenantName(tenantId),
      nameSource: "placeholder",
      adminObjectIds: [],
    });
  });

  it("writes nothing for a tenant that is not allowed", async () => {
    const tenantId = newTenantId();
    const onboarding = new TenantOnboarding({ storage, allowedTenantIds: [newTenantId()], now });
    expect(await onboarding.ensure(tenantId, "bot")).toBeUndefined();
    expect(await storage.tenants.get(tenantId)).toBeUndefined();
  });

  it("names the tenant from the directory, and fills a placeholder once the directory answers", async () => {
    const named = newTenantId();
    const later = newTenantId();
    let reachable = true;
    const directory = {
      organizationName: async (t: string) => {
        if (!reachable) throw new Error("Graph answered 403 Authorization_RequestDenied");
        return t === named ? "Fabrikam" : "Northwind Traders";
      },
    };
    const onboarding = new TenantOnboarding({
      storage,
      allowedTenantIds: [named, later],
      directory,
      now,
      nameRetryMs: 0,
    });
    expect((await onboarding.ensure(named, "sign-in"))?.value).toMatchObject({
      displayName: "Fabrikam",
      nameSource: "directory",
    });
    reachable = false;
    expect((await onboarding.ensure(later, "bot"))?.value.nameSource).toBe("placeholder");
    reachable = true;
    expect((await onboarding.ensure(later, "sign-in"))?.value).toMatchObject({
      displayName: "Northwind Traders",
      nameSource: "directory",
    });
    expect((await storage.tenants.get(later))?.value.displayName).toBe("Northwind Traders");
  });
});

describe("onboarding through the app", () => {
  let entra: EntraSimulator;
  let connector: BotConnectorSimulator;
  let server: Server;
  let base: string;
  let storage: Storage;
  const allowed = [newTenantId(), newTenantId(), newTenantId()];

  beforeAll(async () => {
    storage = await testStorage();
    entra = await startEntraSimulator();
    connector = await startBotConnectorSimulator();
    const config = testConfig({
      AUTH_CLIENT_ID: entra.clientId,
      AUTH_APP_ID_URI: entra.appIdUri,
      AUTH_JWKS_URL: entra.jwksUrl,
      AUTH_DEV_MODE: "false",
      BOT_DEV_MODE: "true",
      ALLOWED_TENANT_IDS: allowed.join(","),
    });
    const { app } = await composeThroughline(config, { storage, now, logger: pino({ level: "silent" }) });
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await entra.stop();
    await connector.close();
  });

  const get = async (path: string, token: string) =>
    fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });

  it("onboards an allowed tenant on its first signed-in request; its app-role Admins administer it", async () => {
    const [tenantId = ""] = allowed;
    const learner = await entra.token({ tenantId, objectId: randomUUID() });
    const me = await get("/me", learner);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { roles: { admin: boolean } }).roles.admin).toBe(false);
    expect((await storage.tenants.get(tenantId))?.value.nameSource).toBe("placeholder");

    expect((await get("/tenant", learner)).status).toBe(403);
    const admin = await entra.token({ tenantId, objectId: randomUUID(), roles: ["Admin"] });
    const tenant = await get("/tenant", admin);
    expect(tenant.status).toBe(200);
    expect(await tenant.json()).toMatchObject({
      id: tenantId,
      nameFromDirectory: false,
      adminRole: "Admin",
      namedAdmins: [],
    });
  });

  it("lets an admin name a further admin, who is then an admin without the app role", async () => {
    const [, tenantId = ""] = allowed;
    const person = randomUUID();
    const admin = await entra.token({ tenantId, objectId: randomUUID(), roles: ["Admin"] });
    const named = await fetch(`${base}/api/v1/tenant/admins/${person}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(named.status).toBe(200);
    expect(((await named.json()) as { namedAdmins: string[] }).namedAdmins).toEqual([person]);
    const theirs = await get("/me", await entra.token({ tenantId, objectId: person }));
    expect(((await theirs.json()) as { roles: { admin: boolean } }).roles.admin).toBe(true);

    const bad = await fetch(`${base}/api/v1/tenant/admins/not-a-guid`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(bad.status).toBe(400);
    const removed = await fetch(`${base}/api/v1/tenant/admins/${person}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(((await removed.json()) as { namedAdmins: string[] }).namedAdmins).toEqual([]);
  });

  it("creates nothing for a signed-in request from a tenant that is not allowed", async () => {
    const stranger = newTenantId();
    const res = await get("/me", await entra.token({ tenantId: stranger, objectId: randomUUID(), roles: ["Admin"] }));
    expect(res.status).toBe(401);
    expect(await storage.tenants.get(stranger)).toBeUndefined();
  });

  it("onboards an allowed tenant on its first bot install, and not a refused one", async () => {
    const [, , tenantId = ""] = allowed;
    const stranger = newTenantId();
    for (const tenant of [tenantId, stranger]) {
      const res = await fetch(`${base}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(installActivity(tenant, connector.serviceUrl)),
      });
      expect(res.status).toBe(tenant === stranger ? 403 : 200);
    }
    expect((await storage.tenants.get(tenantId))?.value.id).toBe(tenantId);
    expect(await storage.tenants.get(stranger)).toBeUndefined();
  });
});

describe("who writes tenant rows", () => {
  it("is onboarding alone: no other source file creates or replaces one", async () => {
    const writers: string[] = [];
    for (const dir of ["src", "bot", "scripts"]) {
      for (const file of await sourceFiles(dir)) {
        const text = await readFile(file, "utf8");
        if (/tenants\.(create|replace)\(/.test(text)) writers.push(file);
      }
    }
    expect(writers.sort()).toEqual([
      "src/onboarding/onboard-tenant.ts",
      "src/onboarding/tenant-admins.ts",
      "src/onboarding/tenant-onboarding.ts",
    ]);
  });
});

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name).replaceAll("\\", "/"));
}

function installActivity(tenantId: string, serviceUrl: string) {
  return {
    type: "installationUpdate",
    action: "add",
    id: randomUUID(),
    channelId: "msteams",
    serviceUrl,
    from: { id: `29:${randomUUID()}`, aadObjectId: randomUUID(), name: "Avery" },
    recipient: { id: "28:bot", name: "Throughline" },
    conversation: { id: `a:${randomUUID()}`, conversationType: "personal", tenantId },
    channelData: { tenant: { id: tenantId } },
  };
}
