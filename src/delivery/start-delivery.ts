import type { DeliveryConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { DeliveryCardRenderer, Messenger } from "../messaging/index.js";
import type { Storage } from "../storage/index.js";
import type { DeliveryTelemetry } from "../telemetry/index.js";
import { PlannerLoop } from "./planner-loop.js";
import { TenantRateLimiter } from "./tenant-rate-limiter.js";
import { DeliveryWorker } from "./worker/index.js";

export interface RunningDelivery {
  worker: DeliveryWorker;
  planner: PlannerLoop;
  /**
   * Stops at once: ends every wait, hands back (visible again) the queue items not yet sent and the
   * tenants being planned, and resolves when nothing is in hand (sends already on the wire are recorded).
   */
  stop(): Promise<void>;
}

/** Starts this instance's share of delivery: the queue workers, and the planning of its share of tenants. */
export function startDelivery(deps: {
  storage: Storage;
  messenger: Messenger;
  render: DeliveryCardRenderer;
  config: DeliveryConfig;
  instanceId: string;
  /** The instance's Teams budget, shared with the bot's replies; one of its own if not given. */
  tenantLimiter?: TenantRateLimiter;
  logger?: Logger;
  /** Times the tenant-rate waits and the planner ticks (src/telemetry). */
  telemetry?: DeliveryTelemetry;
}): RunningDelivery {
  const { storage, config, instanceId, logger, telemetry } = deps;
  const rate = { perSecond: config.tenantPerSecond };
  const worker = new DeliveryWorker(
    {
      storage,
      messenger: deps.messenger,
      render: deps.render,
      tenantLimiter:
        deps.tenantLimiter ??
        telemetry?.tenantLimiter(storage.coordination, rate) ??
        new TenantRateLimiter(storage.coordination, rate),
      logger,
    },
    {
      instanceId,
      lanes: config.lanes,
      visibilitySeconds: config.visibilitySeconds,
      maxAttempts: config.maxAttempts,
    },
  );
  const plan = {
    instanceId,
    intervalMs: config.plannerIntervalSeconds * 1000,
    horizonMs: config.horizonHours * 3_600_000,
  };
  const planner = telemetry?.plannerLoop(storage, plan, logger) ?? new PlannerLoop(storage, plan, logger);
  worker.start();
  planner.start();
  return {
    worker,
    planner,
    async stop() {
      await Promise.all([worker.stop(), planner.stop()]);
    },
  };
}
