import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { TableServiceClient } from "@azure/data-tables";
import { type RunningAzurite, startAzurite } from "../../src/dev/azurite.js";
import { createApiKey } from "../../src/measure/index.js";
import { openStorage, type Storage, storageAccount } from "../../src/storage/index.js";
import { type Api, seedWorld, startApi, type World } from "../api/api-harness.js";
import { seedBotTenant } from "../bot/support/bot-fixtures.js";
import { type BotConnectorSimulator, startBotConnectorSimulator } from "../support/bot-connector-simulator.js";
import { TEST_API_KEY_PEPPER } from "../support/test-config.js";

/**
 * The app as production composes it, over an Azurite of the fuzz's own (so a diff of every table sees only
 * what the fuzz's requests did), with tokens from the Entra simulator and the bot authenticated against the
 * Bot Connector simulator. Two tenants of the API harness's world, and a third with the bot's program and a
 * sent delivery of every kind.
 */
export interface FuzzWorld {
  api: Api;
  storage: Storage;
  /** The fuzz's own Azurite. */
  connectionString: string;
  sim: BotConnectorSimulator;
  a: World;
  b: World;
  bot: Awaited<ReturnType<typeof seedBotTenant>> & { tenantId: string };
  tokens: Record<string, string | undefined>;
  apiKeys: { valid: string; keyId: string };
  etags: string[];
  stop(): Promise<void>;
}

export const BOT_APP_ID = "6c3b5b8e-0f4e-4a55-9d34-1f6d8a2c9e11";
const BOT_PASSWORD = "fuzz-secret";

export async function startFuzzWorld(): Promise<FuzzWorld> {
  const azurite: RunningAzurite = await startAzurite();
  const storage = openStorage(storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }));
  await storage.ensure();
  const sim = await startBotConnectorSimulator({
    appId: BOT_APP_ID,
    appPassword: BOT_PASSWORD,
    conversationLimits: false,
    perSecond: 1_000_000,
  });
  const api = await startApi({
    storage,
    env: {
      BOT_DEV_MODE: "false",
      BOT_ID: BOT_APP_ID,
      BOT_PASSWORD,
      BOT_LOGIN_URL: sim.loginUrl,
      BOT_OPENID_METADATA_URL: sim.openIdMetadataUrl,
      BOT_CHANNEL_ISSUER: sim.issuer,
    },
  });
  const a = await seedWorld(api, { programStatus: "draft" });
  const b = await seedWorld(api);
  await storage.programs.save({ ...(await storage.programs.get(b.tenantId, "prog-1"))?.value, id: "b-only" });
  const botTenant = api.freshTenant();
  const bot = { ...(await seedBotTenant(storage, botTenant, new Date())), tenantId: botTenant };
  const token = (tenantId: string, objectId: string, roles?: string[]) =>
    api.entra.token({ tenantId, objectId, roles });
  const tokens: Record<string, string | undefined> = {
    adminA: await token(a.tenantId, a.admin.objectId),
    managerA: await token(a.tenantId, a.manager.objectId),
    learnerA: await token(a.tenantId, a.learner.objectId),
    outsiderA: await token(a.tenantId, a.outsider.objectId),
    roleAdminB: await token(b.tenantId, randomUUID(), ["Admin"]),
    adminB: await token(b.tenantId, b.admin.objectId),
    expired: await api.entra.token({ tenantId: a.tenantId, objectId: a.admin.objectId }, { expiresIn: -60 }),
    forged: await api.entra.token({ tenantId: a.tenantId, objectId: a.admin.objectId }, { signWith: "forger" }),
    none: undefined,
  };
  const created = await createApiKey(storage, TEST_API_KEY_PEPPER, {
    tenantId: a.tenantId,
    name: "BI",
    createdBy: a.admin.objectId,
  });
  const program = await storage.programs.get(a.tenantId, "prog-1");
  const team = await storage.teams.get(a.tenantId, "team-a");
  return {
    api,
    storage,
    connectionString: azurite.connectionString,
    sim,
    a,
    b,
    bot,
    tokens,
    apiKeys: { valid: created.key, keyId: created.summary.keyId },
    etags: [program?.etag ?? "", team?.etag ?? ""],
    async stop() {
      await api.stop();
      await sim.close();
      await azurite.stop();
    },
  };
}

/** A request sent exactly as given: the path is not re-encoded, the body and headers are the fuzz's. */
export function send(
  base: string,
  options: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${options.path}`, {
      method: options.method,
      headers: { ...options.headers, ...(options.body ? { "content-length": options.body.length } : {}) },
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`no answer to ${options.method} ${options.path}`)));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Every row of every table, by table, partition and row key, with its etag: two equal snapshots, no write. */
export async function snapshot(storage: Storage, connectionString: string): Promise<Map<string, string>> {
  const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
  const names: string[] = [];
  for await (const table of service.listTables()) if (table.name) names.push(table.name);
  const rows = new Map<string, string>();
  await Promise.all(
    names.map(async (name) => {
      for await (const entity of storage.account
        .table(name)
        .listEntities({ queryOptions: { select: ["PartitionKey", "RowKey"] } }))
        rows.set(`${name}|${entity.partitionKey}|${entity.rowKey}`, entity.etag);
    }),
  );
  return rows;
}

/** What changed between two snapshots: rows added, removed or rewritten. */
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [key, etag] of after) if (before.get(key) !== etag) changed.push(before.has(key) ? `~${key}` : `+${key}`);
  for (const key of before.keys()) if (!after.has(key)) changed.push(`-${key}`);
  return changed;
}

/** Signs of an internal error on the wire: a stack frame, a file path, an HTML error page. */
export const STACK_TRACE = /(\.(ts|js|mjs|cjs):\d+:\d+)|node_modules|\/work\/|file:\/\/|<anonymous>|<pre>|<html/i;
