import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, pino } from "pino";
import type { ThroughlineBot } from "../../bot/index.js";
import type { DevTokenIssuer } from "../../src/api/index.js";
import { composeThroughline } from "../../src/composition.js";
import { DEMO_TENANT_ID } from "../../src/demo/index.js";
import type { Storage } from "../../src/storage/index.js";
import { type EntraSimulator, startEntraSimulator } from "../support/entra-simulator.js";
import { aChallenge, aKpi, aProgram, aTeam, now, person } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";
import { testConfig } from "../support/test-config.js";

export interface Api {
  base: string;
  storage: Storage;
  /** The composition's bot, for tests that act as people in Teams (chatAs). */
  bot: ThroughlineBot;
  entra: EntraSimulator;
  /** A tenant this app allows (ALLOWED_TENANT_IDS) that no test has used yet: nothing of it is stored. */
  freshTenant(): string;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
    // biome-ignore lint/suspicious/noExplicitAny: tests assert response bodies field by field
  ): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/** The app as production composes it, over the test Azurite, verifying tokens from the Entra simulator. */
export async function startApi(
  options: {
    dev?: boolean;
    clock?: () => Date;
    minGroupSize?: number;
    /** More or other settings, as a deployment would set them. */
    env?: Record<string, string | undefined>;
    /** Another storage than the shared test one (a fault test's own Azurite). */
    storage?: Storage;
    logger?: Logger;
  } = {},
): Promise<Api & { devIssuer?: DevTokenIssuer }> {
  const storage = options.storage ?? (await testStorage());
  const entra = await startEntraSimulator();
  // The tenants the tests will use are configured up front, as a deployment allows its customers.
  const tenants = Array.from({ length: 8 }, newTenantId);
  const config = testConfig({
    // Dev mode signs in the demo people, so it allows the demo tenant too.
    ALLOWED_TENANT_IDS: [...tenants, ...(options.dev ? [DEMO_TENANT_ID] : [])].join(","),
    AUTH_CLIENT_ID: entra.clientId,
    AUTH_APP_ID_URI: entra.appIdUri,
    AUTH_JWKS_URL: entra.jwksUrl,
    AUTH_DEV_MODE: options.dev ? "true" : "false",
    // These tests speak to the API only; the bot endpoint is mounted as in production but not exercised.
    BOT_DEV_MODE: "true",
    PRIVACY_MIN_GROUP_SIZE: options.minGroupSize === undefined ? undefined : String(options.minGroupSize),
    ...options.env,
  });
  const { app, bot, devIssuer } = await composeThroughline(config, {
    storage,
    now: options.clock ?? (() => new Date(now)),
    logger: options.logger ?? pino({ level: "silent" }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    storage,
    bot,
    entra,
    devIssuer,
    freshTenant() {
      const next = tenants.shift();
      if (!next) throw new Error("startApi: every allowed test tenant is used; allow more");
      return next;
    },
    async call(method, path, { token, body, headers = {} } = {}) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await entra.stop();
    },
  };
}

export interface World {
  tenantId: string;
  admin: { objectId: string };
  manager: { objectId: string };
  otherManager: { objectId: string };
  learner: { objectId: string };
  outsider: { objectId: string };
}

/**
 * One tenant, onboarded as a customer's is: its IT admin (Entra app role Admin) signs in and names the
 * world's admin through the API. Then team-a (manager + learners), team-b, a KPI, a ready draft program.
 */
export async function seedWorld(api: Api, options: { programStatus?: "draft" | "active" } = {}): Promise<World> {
  const { storage } = api;
  const tenantId = api.freshTenant();
  const admin = { objectId: randomUUID() };
  const outsider = { objectId: randomUUID() };
  const itAdmin = await api.entra.token({ tenantId, objectId: randomUUID(), roles: ["Admin"] });
  const named = await api.call("PUT", `/api/v1/tenant/admins/${admin.objectId}`, { token: itAdmin });
  if (named.status !== 200) throw new Error(`seedWorld: naming the admin answered ${named.status}`);
  const teamA = aTeam(tenantId);
  const teamB = aTeam(tenantId, {
    id: "team-b",
    name: "Team B",
    manager: person("Manager N"),
    members: [person("B1")],
  });
  await storage.teams.save(teamA);
  await storage.teams.save(teamB);
  await storage.kpis.save(aKpi(tenantId));
  await storage.assets.save(aChallenge(tenantId));
  await storage.programs.save(aProgram(tenantId, { status: options.programStatus ?? "draft" }));
  return {
    tenantId,
    admin,
    manager: { objectId: teamA.manager.objectId },
    otherManager: { objectId: teamB.manager.objectId },
    learner: { objectId: teamA.members[0]?.objectId ?? "" },
    outsider,
  };
}
