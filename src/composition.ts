import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Express } from "express";
import {
  createBotAdapter,
  createMessagesRouter,
  ProactiveMessenger,
  renderDeliveryCard,
  ThroughlineBot,
  tabDeepLink,
} from "../bot/index.js";
import { authFromConfig, createApiRouter, type DevTokenIssuer, REQUIRED_SCOPE, serveTab } from "./api/index.js";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import { InlineTeamsCalls, type RunningDelivery, startDelivery, TeamsBudget } from "./delivery/index.js";
import { GraphDirectory } from "./graph/index.js";
import { InFlightRequests } from "./http-drain.js";
import { legalPages } from "./legal/index.js";
import { createLogger, type Logger } from "./logger.js";
import { createKpiValuesRouter, runXapiSender, sweepIntents, updateKpiRollups, xapiOutbox } from "./measure/index.js";
import { TenantOnboarding } from "./onboarding/index.js";
import { ReachLoop } from "./reach/index.js";
import type { Storage } from "./storage/index.js";
import { DeliveryTelemetry, noTelemetry, type Telemetry } from "./telemetry/index.js";

/** Where the built tab lives (npm run build, or build:tab); the app says how to build it when it is missing. */
export const TAB_DIST_DIR = join(projectRoot(), "dist", "tab");

/** The folder of package.json: the same from src/ under tsx and from dist/server/src/ when compiled. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above the app's code");
    dir = parent;
  }
  return dir;
}

export interface CompositionOptions {
  /** Opened and ensured by the caller: the embedded Azurite or Azure Storage in production, the test Azurite in tests. */
  storage: Storage;
  /** The same account with the background loops' patient limits (BACKGROUND_STORAGE_*); `storage` if not given. */
  backgroundStorage?: Storage;
  /** The clock every part reads; tests pin it. */
  now?: () => Date;
  logger?: Logger;
  /** Where traces and metrics go (startTelemetry); off unless given. */
  telemetry?: Telemetry;
  /** Names this instance in leases and claims; unique per process by default. */
  instanceId?: string;
  /** The built tab to serve at /tab. */
  tabDir?: string;
}

/** Throughline wired from its configuration: the one composition that `main` and every test harness use. */
export interface Composition {
  config: Config;
  storage: Storage;
  logger: Logger;
  telemetry: Telemetry;
  /** The HTTP app (health, bot endpoint, API, tab); the caller listens. */
  app: Express;
  /** The requests the app is answering: a shutdown drains them (drainHttpServer). */
  requests: InFlightRequests;
  bot: ThroughlineBot;
  /** Only in dev mode: the local token issuer behind "sign in as". */
  devIssuer?: DevTokenIssuer;
  /** Starts the background loops: the rollup sweep, and what the configuration asks for (delivery workers and planner, the xAPI sender). */
  startBackground(): void;
  /** The running delivery, once started (config.delivery.workers). */
  readonly delivery: RunningDelivery | undefined;
  /** Rollup sweeps finished since start (the first runs at start): for operators' logs and tests. */
  readonly rollupSweepsDone: number;
  /** Stops the background loops; the HTTP server is the caller's to close. */
  stop(): Promise<void>;
}

export async function composeThroughline(config: Config, options: CompositionOptions): Promise<Composition> {
  const { storage } = options;
  const backgroundStorage = options.backgroundStorage ?? storage;
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? createLogger(config);
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const telemetry = options.telemetry ?? noTelemetry();
  const requests = new InFlightRequests();

  const adapter = createBotAdapter(config.bot);
  const directory = config.graph ? new GraphDirectory(config.graph) : undefined;
  const onboarding = new TenantOnboarding({
    storage,
    allowedTenantIds: config.auth.allowedTenants,
    directory,
    now,
    logger,
  });
  const measured = new DeliveryTelemetry(telemetry);
  // One Teams budget per tenant for every kind of call (deliveries, queued cards, replies, card updates), kept in
  // one coordination row that every limiter books from. A reply waits on it within a request's storage limits;
  // the background loops book through their patient ones, so a busy store delays a send rather than failing it.
  const limiterOptions = { perSecond: config.delivery.tenantPerSecond };
  const tenantLimiter = measured.tenantLimiter(storage.coordination, limiterOptions);
  const backgroundLimiter =
    backgroundStorage === storage
      ? tenantLimiter
      : measured.tenantLimiter(backgroundStorage.coordination, limiterOptions);
  const outboxFor = (tenantId: string) =>
    xapiOutbox(storage, { tenantId, lrsConfigured: config.xapiLrs !== null, logger });
  const bot = new ThroughlineBot({
    storage,
    teamsCalls: new InlineTeamsCalls(new TeamsBudget(tenantLimiter), {}, logger),
    now,
    outboxFor,
    settings: { tabUrl: tabDeepLink(config.teamsApp.appId), minGroupSize: config.privacyMinGroupSize },
    logger,
    onboard: (tenantId) => onboarding.ensure(tenantId, "bot"),
  });
  const retryAfterSeconds = config.storageRequests.retryAfterSeconds;
  const messages = createMessagesRouter({
    adapter,
    bot,
    config: config.bot,
    env: config.env,
    logger,
    maxBodyBytes: config.limits.botJsonBytes,
    retryAfterSeconds,
  });
  const { verify, devIssuer, isTenantAllowed } = await authFromConfig(config.auth);
  const afterKpiWrite = (tenantId: string, kpiId: string, values: Parameters<typeof updateKpiRollups>[3]) =>
    updateKpiRollups(storage, tenantId, kpiId, values);
  const api = createApiRouter({
    storage,
    logger,
    now,
    verify,
    tenantOf: (tenantId) => onboarding.ensure(tenantId, "sign-in"),
    signIn: { clientId: config.auth.clientId, scope: `${config.auth.appIdUri}/${REQUIRED_SCOPE}` },
    devIssuer,
    minGroupSize: config.privacyMinGroupSize,
    apiKeyPepper: config.apiKeyPepper,
    afterKpiWrite,
    limits: config.limits,
    retryAfterSeconds,
    renderCard: renderDeliveryCard,
    directory,
  });
  const app = createApp({
    storage,
    logger,
    telemetry,
    inFlight: requests,
    retryAfterSeconds,
    mounts: [
      { path: "/api/messages", handler: messages },
      // API-key auth for BI pipelines; everything else under /api/v1 takes the Teams SSO token.
      {
        path: "/api/v1",
        handler: createKpiValuesRouter({
          storage,
          apiKeyPepper: config.apiKeyPepper,
          afterWrite: afterKpiWrite,
          now,
          isTenantAllowed,
          maxBodyBytes: config.limits.biJsonBytes,
        }),
      },
      { path: "/api/v1", handler: api },
      { path: "/tab", handler: serveTab(options.tabDir ?? TAB_DIST_DIR) },
      // The manifest's privacyUrl and termsOfUseUrl.
      {
        path: "/",
        handler: legalPages({
          minGroupSize: config.privacyMinGroupSize,
          xapiLrsConfigured: config.xapiLrs !== null,
          graphConfigured: directory !== undefined,
        }),
      },
    ],
  });

  let delivery: RunningDelivery | undefined;
  let reach: ReachLoop | undefined;
  let xapiSender: Promise<void> | undefined;
  let rollupSweeps: Promise<void> | undefined;
  let rollupSweepsDone = 0;
  const stopXapi = new AbortController();
  const stopSweeps = new AbortController();
  /** Rollup work a writer left when it died: done at start, then every ROLLUP_SWEEP_SECONDS. */
  const sweepRollups = async () => {
    while (!stopSweeps.signal.aborted) {
      try {
        const settled = await sweepIntents(backgroundStorage, { now: now(), outboxFor, signal: stopSweeps.signal });
        if (settled.applied + settled.abandoned + settled.foreign > 0)
          logger.info({ settled }, "rollup intents settled");
        rollupSweepsDone++;
      } catch (error) {
        logger.warn({ err: error }, "rollup sweep failed; trying again at the next");
      }
      await sleep(config.rollupSweepSeconds * 1000, stopSweeps.signal);
    }
  };
  return {
    config,
    storage,
    logger,
    telemetry,
    app,
    requests,
    bot,
    devIssuer,
    get delivery() {
      return delivery;
    },
    get rollupSweepsDone() {
      return rollupSweepsDone;
    },
    startBackground() {
      rollupSweeps ??= sweepRollups();
      if (config.delivery.workers && !delivery) {
        delivery = startDelivery({
          storage: backgroundStorage,
          messenger: measured.messenger(new ProactiveMessenger(adapter, config.bot.appId)),
          render: renderDeliveryCard,
          config: config.delivery,
          instanceId,
          tenantLimiter: backgroundLimiter,
          logger,
          telemetry: measured,
        });
        measured.observeWorker(delivery.worker);
        measured.observeQueue(backgroundStorage.deliveryQueue, now);
      }
      if (config.delivery.workers && directory && !reach) {
        reach = new ReachLoop(
          {
            storage: backgroundStorage,
            directory,
            teamsRequests: backgroundLimiter,
            manifestId: config.teamsApp.appId,
            now,
            logger,
          },
          { instanceId, intervalMs: config.delivery.plannerIntervalSeconds * 1000 },
        );
        reach.start();
      }
      if (config.xapiLrs && !xapiSender) {
        xapiSender = runXapiSender(storage, config.xapiLrs, stopXapi.signal).catch((error: unknown) =>
          logger.error({ err: error }, "xAPI sender stopped"),
        );
      }
    },
    async stop() {
      stopXapi.abort();
      stopSweeps.abort();
      await Promise.all([
        xapiSender,
        rollupSweeps,
        delivery?.stop().catch((error: unknown) => logger.warn({ err: error }, "delivery did not stop cleanly")),
        reach?.stop().catch((error: unknown) => logger.warn({ err: error }, "reach did not stop cleanly")),
      ]);
    },
  };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  // Aborted already (stop() came while the caller was busy): the abort event will not fire again.
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
