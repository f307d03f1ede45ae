import type { Logger } from "../logger.js";
import type { Storage } from "../storage/index.js";
import { Lease } from "./lease.js";
import { planTenant } from "./plan-tenant.js";

export interface PlannerLoopOptions {
  instanceId: string;
  /** How often the tenants are planned (by whichever instance holds the lease). */
  intervalMs: number;
  /** How long the lease lasts unrenewed; a dead holder is replaced within this plus `checkMs`. */
  leaseTtlMs?: number;
  /** How often each instance tries to take or renew the lease. */
  checkMs?: number;
  lookbackMs?: number;
  horizonMs?: number;
  /** The lease's name: one planner per name across the app's instances. */
  leaseName?: string;
  /** The tenants to plan; every tenant in storage unless given. */
  tenantIds?: () => AsyncIterable<string>;
}

export interface TickResult {
  leader: boolean;
  planned: number;
  tenants: number;
}

/**
 * Runs the planner in exactly one instance at a time: every instance checks the lease every `checkMs`;
 * the holder plans every tenant once per `intervalMs` (remembered in the lease row, so a new holder picks
 * up the rhythm) and renews; when it dies, the lease runs out and another instance takes over.
 */
export class PlannerLoop {
  private readonly lease: Lease;
  private readonly options: Required<Omit<PlannerLoopOptions, "tenantIds">>;
  private readonly tenantIds: () => AsyncIterable<string>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;
  private stopping = false;

  constructor(
    private readonly storage: Storage,
    options: PlannerLoopOptions,
    private readonly logger?: Logger,
  ) {
    this.options = {
      leaseTtlMs: 30_000,
      checkMs: 10_000,
      lookbackMs: 10 * 60_000,
      horizonMs: 24 * 3_600_000,
      leaseName: "delivery-planner",
      ...options,
    };
    this.tenantIds = options.tenantIds ?? (() => allTenantIds(storage));
    this.lease = new Lease(storage.coordination, this.options.leaseName, options.instanceId, this.options.leaseTtlMs);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = false;
    const run = () => {
      this.running = this.tick()
        .catch((error: unknown) => this.logger?.error({ err: error }, "delivery planner: tick failed"))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(run, this.options.checkMs);
        });
    };
    run();
  }

  /** Stops ticking and gives the lease up, so another instance takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
    await this.lease.release();
  }

  async tick(now = new Date()): Promise<TickResult> {
    if (!(await this.lease.acquire(now.getTime()))) return { leader: false, planned: 0, tenants: 0 };
    if (now.getTime() - this.lease.lastRunAt < this.options.intervalMs) return { leader: true, planned: 0, tenants: 0 };
    let planned = 0;
    let tenants = 0;
    for await (const tenantId of this.tenantIds()) {
      if (this.stopping) break;
      const result = await planTenant(this.storage, tenantId, {
        now,
        lookbackMs: this.options.lookbackMs,
        horizonMs: this.options.horizonMs,
      });
      planned += result.planned;
      tenants++;
    }
    await this.lease.markRun(now.getTime());
    if (planned > 0) this.logger?.info({ planned, tenants }, "delivery planner: planned deliveries");
    return { leader: true, planned, tenants };
  }
}

async function* allTenantIds(storage: Storage): AsyncGenerator<string> {
  for await (const tenant of storage.tenants.each()) yield tenant.id;
}
