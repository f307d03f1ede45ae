import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { DefaultAzureCredential } from "@azure/identity";
import {
  createBotAdapter,
  createMessagesRouter,
  ProactiveMessenger,
  type RunningPlayground,
  renderDeliveryCard,
  startPlayground,
  ThroughlineBot,
  tabDeepLink,
} from "../bot/index.js";
import { authFromConfig, createApiRouter, serveTab } from "./api/index.js";
import { createApp } from "./app.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { type RunningDelivery, startDelivery, TenantRateLimiter } from "./delivery/index.js";
import { DEMO_MANAGER, DEMO_TENANT_ID, demoObjectId, demoTeams, seedWinRatePilot } from "./demo/index.js";
import { type RunningAzurite, startAzurite } from "./dev/azurite.js";
import { createLogger } from "./logger.js";
import { createKpiValuesRouter, runXapiSender, updateKpiRollups, xapiOutbox } from "./measure/index.js";
import { openStorage, type StorageTarget, storageAccount } from "./storage/index.js";

/** Starts Throughline: storage (the embedded Azurite unless Azure Storage is configured), demo data, HTTP. */
async function main(): Promise<void> {
  const started = Date.now();
  let config: Config;
  try {
    // `npm start` passes --dev; `npm run serve` (production) does not.
    config = loadConfig(process.env, { dev: process.argv.includes("--dev") });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);

  let azurite: RunningAzurite | undefined;
  let target: StorageTarget;
  let storageLabel: string;
  switch (config.storage.kind) {
    case "embedded": {
      const persistent = config.storage.persistence === "disk";
      azurite = await startAzurite({ location: persistent ? config.storage.location : undefined });
      target = { kind: "connectionString", connectionString: azurite.connectionString };
      storageLabel = `embedded Azurite (tables ${azurite.tableUrl}, queues ${azurite.queueUrl}; ${persistent ? `data in ${config.storage.location}` : "in memory"})`;
      break;
    }
    case "connectionString":
      target = { kind: "connectionString", connectionString: config.storage.connectionString };
      storageLabel = "Azure Storage (connection string)";
      break;
    case "account":
      target = { kind: "account", accountName: config.storage.accountName, credential: new DefaultAzureCredential() };
      storageLabel = `Azure Storage account ${config.storage.accountName} (managed identity)`;
      break;
  }

  const storage = openStorage(storageAccount(target), { deliveryQueueShards: config.delivery.queueShards });
  await storage.ensure();
  const seeded = config.seedDemoData ? await seedWinRatePilot(storage) : false;

  const adapter = createBotAdapter(config.bot);
  let delivery: RunningDelivery | undefined;
  if (config.delivery.workers) {
    delivery = startDelivery({
      storage,
      messenger: new ProactiveMessenger(adapter, config.bot.appId),
      render: renderDeliveryCard,
      config: config.delivery,
      instanceId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      logger,
    });
  }

  const outboxFor = (tenantId: string) =>
    xapiOutbox(storage, { tenantId, lrsConfigured: config.xapiLrs !== null, logger });
  const bot = new ThroughlineBot({
    storage,
    teamsRequests: new TenantRateLimiter(storage.coordination, { perSecond: config.delivery.tenantPerSecond }),
    now: () => new Date(),
    outboxFor,
    settings: { tabUrl: tabDeepLink(config.teamsApp.appId), minGroupSize: config.privacyMinGroupSize },
    logger,
  });
  const messages = createMessagesRouter({
    adapter,
    bot,
    config: config.bot,
    env: config.env,
    logger,
  });
  const { verify, devIssuer } = await authFromConfig(config.auth, storage);
  const api = createApiRouter({
    storage,
    logger,
    now: () => new Date(),
    verify,
    devIssuer,
    minGroupSize: config.privacyMinGroupSize,
    apiKeyPepper: config.apiKeyPepper,
    afterKpiWrite: (tenantId, kpiId, values) => updateKpiRollups(storage, tenantId, kpiId, values),
  });
  const app = createApp({
    storage,
    logger,
    mounts: [
      { path: "/api/messages", handler: messages },
      // API-key auth for BI pipelines; everything else under /api/v1 takes the Teams SSO token.
      {
        path: "/api/v1",
        handler: createKpiValuesRouter({
          storage,
          apiKeyPepper: config.apiKeyPepper,
          afterWrite: (tenantId, kpiId, values) => updateKpiRollups(storage, tenantId, kpiId, values),
        }),
      },
      { path: "/api/v1", handler: api },
      { path: "/tab", handler: serveTab(fileURLToPath(new URL("../dist/tab", import.meta.url))) },
    ],
  });
  const stopXapi = new AbortController();
  const xapiSender = config.xapiLrs
    ? runXapiSender(storage, config.xapiLrs, stopXapi.signal).catch((error: unknown) =>
        logger.error({ err: error }, "xAPI sender stopped"),
      )
    : undefined;
  const server = app.listen(config.port);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://localhost:${port}`;
  const playground = config.playground.enabled
    ? await openPlayground(config, base)
    : { line: "  playground off (PLAYGROUND=false, or the bot is not in dev mode)" };

  console.log(
    [
      "",
      `Throughline is running (${config.env}) — ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  app        ${base}/`,
      `  health     ${base}/healthz   readiness ${base}/readyz`,
      `  bot        ${base}/api/messages (${config.bot.devMode ? "dev mode: unauthenticated requests accepted" : `app id ${config.bot.appId}`}; tenants ${config.bot.allowedTenantIds.join(", ")})`,
      `  storage    ${storageLabel}`,
      `  tab        ${base}/tab/`,
      `  api        ${base}/api/v1/openapi.json`,
      config.auth.devMode
        ? "  auth       DEV MODE: local token issuer and sign-in-as for the demo people (refused in production)"
        : `  auth       Entra tokens for ${config.auth.clientId}`,
      config.seedDemoData
        ? `  demo data  "Discovery that wins" in tenant ${DEMO_TENANT_ID} (${seeded ? "seeded now" : "already there"}); demo manager ${DEMO_MANAGER.name}`
        : "  demo data  off",
      `  xAPI       ${config.xapiLrs ? `statements sent to ${config.xapiLrs.endpoint}` : "statements kept for export (no LRS configured)"}`,
      `  delivery   ${config.delivery.workers ? `workers on; planner every ${config.delivery.plannerIntervalSeconds} s (one instance at a time)` : "off"}`,
      playground.line,
      "",
    ].join("\n"),
  );

  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    server.close();
    server.closeAllConnections();
    stopXapi.abort();
    void Promise.all([
      playground.running?.stop(),
      xapiSender,
      (delivery?.stop() ?? Promise.resolve()).catch((error: unknown) =>
        logger.warn({ err: error }, "delivery did not stop cleanly"),
      ),
    ])
      .then(() => azurite?.stop())
      .then(() => process.exit(0));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

/** The Agents Playground, signed in as the demo manager; a failure to start it is reported, not fatal. */
async function openPlayground(config: Config, base: string): Promise<{ running?: RunningPlayground; line: string }> {
  const team = demoTeams.find((t) => t.id === DEMO_MANAGER.teamId);
  try {
    const running = await startPlayground({
      appEndpoint: `${base}/api/messages`,
      port: config.playground.port,
      tenantId: DEMO_TENANT_ID,
      currentUser: { name: DEMO_MANAGER.name, objectId: DEMO_MANAGER.objectId },
      users: (team?.members ?? []).slice(0, 5).map(([name]) => ({ name, objectId: demoObjectId(name) })),
      workDir: ".data/playground",
    });
    return {
      running,
      line: `  playground ${running.url}  (Agents Playground, signed in as ${DEMO_MANAGER.name}; open it and pick "Personal Chat")`,
    };
  } catch (error) {
    return { line: `  playground did not start: ${error instanceof Error ? error.message : String(error)}` };
  }
}

main().catch((error: unknown) => {
  console.error(`Throughline failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
