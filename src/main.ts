import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { DefaultAzureCredential } from "@azure/identity";
import { type RunningPlayground, startPlayground } from "../bot/index.js";
import { composeThroughline } from "./composition.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { DEMO_MANAGER, DEMO_TENANT_ID, demoObjectId, demoTeams, seedWinRatePilot } from "./demo/index.js";
import { type RunningAzurite, startAzurite } from "./dev/azurite.js";
import { drainHttpServer } from "./http-drain.js";
import { createLogger, type Logger } from "./logger.js";
import { openStorage, type StorageTarget, storageAccount } from "./storage/index.js";
import { startTelemetry } from "./telemetry/index.js";

/** Starts Throughline: storage (the embedded Azurite unless Azure Storage is configured), demo data, HTTP. */
async function main(): Promise<void> {
  const started = Date.now();
  // `npm start` passes --dev; `npm run serve` (production) does not, and then production is the default
  // for express too, which reads NODE_ENV itself (stack traces in its error pages otherwise).
  const dev = process.argv.includes("--dev");
  if (!dev) process.env.NODE_ENV ??= "production";
  let config: Config;
  try {
    config = loadConfig(process.env, { dev });
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

  const storage = openStorage(storageAccount(target, config.storageRequests), {
    deliveryQueueShards: config.delivery.queueShards,
  });
  await storage.ensure();
  const backgroundStorage = openStorage(storageAccount(target, config.storageRequests.background), {
    deliveryQueueShards: config.delivery.queueShards,
  });
  const seeded = config.seedDemoData ? await seedWinRatePilot(storage) : false;

  const instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const telemetry = startTelemetry(config.telemetry, { instanceId });
  const throughline = await composeThroughline(config, {
    storage,
    backgroundStorage,
    logger,
    telemetry,
    instanceId,
  });
  throughline.startBackground();
  const { app } = throughline;
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
      `  delivery   ${config.delivery.workers ? `workers on; planner ticks every ${config.delivery.plannerIntervalSeconds} s (tenants shared out between instances)` : "off"}`,
      `  telemetry  ${telemetry.enabled ? "traces and metrics to Application Insights" : "logs only (APPLICATIONINSIGHTS_CONNECTION_STRING not set)"}; shutdown deadline ${config.shutdownTimeoutSeconds} s`,
      playground.line,
      "",
    ].join("\n"),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadlineMs = config.shutdownTimeoutSeconds * 1000;
    logger.info({ signal, deadlineSeconds: config.shutdownTimeoutSeconds }, "shutting down");
    // Stop accepting and let the requests in flight finish; the delivery workers finish what they hold
    // or hand it back. Whatever is still going at the deadline is cut: a delivery's claim then runs out
    // and another instance takes it over.
    const drained = await withinDeadline(
      Promise.all([drainHttpServer(server, throughline.requests), throughline.stop(), playground.running?.stop()]),
      deadlineMs,
    );
    if (!drained) {
      logger.warn(
        { requestsInFlight: throughline.requests.size, deadlineSeconds: config.shutdownTimeoutSeconds },
        "shutdown deadline passed; cutting what is left",
      );
      server.closeAllConnections();
    }
    await withinDeadline(telemetry.shutdown(), 5_000);
    // Last: nothing above may still need storage.
    await azurite?.stop();
    logger.info({ drained }, "stopped");
    await flushLogger(logger);
    process.exit(drained ? 0 : 1);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

/** True when the work finished in time, false when the deadline came first (or the work failed). */
async function withinDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), deadline]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
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
