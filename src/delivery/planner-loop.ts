import diagnostics from "node:diagnostics_channel";
import type { Logger } from "../logger.js";
import { countingCalls, type Storage, type TenantPlan, type Versioned } from "../storage/index.js";
import { type Clock, systemClock } from "./clock.js";
import { LostTenant, TenantPlanner, type TenantTickResult } from "./tenant-planner.js";

export interface PlannerLoopOptions {
  instanceId: string;
  /** How often each tenant is ticked by the instance planning it. */
  intervalMs: number;
  /** How long an instance's heartbeat lasts unrenewed: its tenants go to others within this plus `checkMs`. */
  leaseTtlMs?: number;
  /** How often each instance renews its heartbeat, takes its share of tenants and starts the ticks due. */
  checkMs?: number;
  lookbackMs?: number;
  horizonMs?: number;
  /** Everything a tenant's plan is made from is read afresh this often. */
  fullReloadMs?: number;
  clock?: Clock;
  /** Only these tenants (tests keep to their own on a shared store). */
  tenantFilter?: (tenantId: string) => boolean;
  /** Only these instances count as peers when sharing tenants out (as `tenantFilter`). */
  peerFilter?: (instanceId: string) => boolean;
  /** Test seam: runs in each tick after planning, before anything is written. */
  beforeWrite?: (tenantId: string) => Promise<void>;
  /** Told of every tick, e.g. for metrics. */
  onTick?: (report: TickReport) => void;
}

export interface TickReport extends TenantTickResult {
  tenantId: string;
  ms: number;
  /** Storage calls the tick made. */
  storageCalls: number;
}

export interface CheckResult {
  /** Tenants this instance plans after the check. */
  held: string[];
  /** Tenants taken over in this check. */
  claimed: string[];
  /** Storage calls of the check itself (heartbeat, listings, claims), not of the ticks it started. */
  storageCalls: number;
}

/** Published on every tick, for metrics and benchmarks: a TickReport with the instance id. */
export const plannerTickChannel = diagnostics.channel("throughline:delivery-planner-tick");

interface Held {
  row: Versioned<TenantPlan>;
  planner: TenantPlanner;
  lastTickAt: number;
  ticking?: Promise<void>;
}

/**
 * Delivery planning shared out between the app's instances, tenant by tenant. Every instance renews a
 * heartbeat row every `checkMs`; a tenant's plan row names the instance planning it, which keeps it while
 * its heartbeat lasts (renewed while a long tick runs, since ticks run beside the checks). Each instance
 * takes free tenants, and those of instances whose heartbeat ran out, up to its share (tenants divided by
 * live instances), and gives back what it holds beyond that. A tick stops writing as soon as its instance
 * could have lost the tenant, and its checkpoint is etag-guarded, so two instances never plan a tenant at
 * once.
 */
export class PlannerLoop {
  private readonly options: Required<
    Omit<PlannerLoopOptions, "tenantFilter" | "peerFilter" | "beforeWrite" | "onTick">
  > &
    Pick<PlannerLoopOptions, "tenantFilter" | "peerFilter" | "beforeWrite" | "onTick">;
  private readonly clock: Clock;
  private readonly held = new Map<string, Held>();
  /** Until when this instance's heartbeat is known written (ms); 0 before the first. */
  private aliveUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<unknown> = Promise.resolve();
  private running = false;
  private enrolled = false;
  readonly ticks: TickReport[] = [];

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
      fullReloadMs: 3_600_000,
      clock: systemClock,
      ...options,
    };
    this.clock = this.options.clock;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const run = () => {
      this.checking = this.check()
        .catch((error: unknown) => this.logger?.error({ err: error }, "delivery planner: check failed"))
        .finally(() => {
          if (this.running) this.timer = setTimeout(run, this.options.checkMs);
        });
    };
    run();
  }

  /** Stops: ends the ticks under way (at their next write), gives every tenant back, and removes the heartbeat. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.checking;
    this.aliveUntil = 0;
    await this.idle();
    const { planning } = this.storage;
    await Promise.all(
      [...this.held.values()].map((held) =>
        planning.saveTenantPlan({ ...held.row.value, holder: null }, held.row.etag).catch(() => undefined),
      ),
    );
    this.held.clear();
    await planning.removeInstance(this.options.instanceId).catch(() => undefined);
  }

  /** Resolves once no tick is under way. */
  async idle(): Promise<void> {
    for (;;) {
      const ticks = [...this.held.values()].flatMap((h) => (h.ticking ? [h.ticking] : []));
      if (ticks.length === 0) return;
      await Promise.all(ticks);
    }
  }

  /** The tenants this instance plans now. */
  get tenants(): string[] {
    return [...this.held.keys()];
  }

  /** Renews the heartbeat, takes or gives back tenants, and starts the ticks that are due (without awaiting them). */
  async check(): Promise<CheckResult> {
    const { result, calls } = await countingCalls(() => this.claimShare());
    for (const [tenantId, held] of this.held) {
      if (!held.ticking && this.clock.now() - held.lastTickAt >= this.options.intervalMs)
        this.startTick(tenantId, held);
    }
    return { ...result, storageCalls: calls };
  }

  private async claimShare(): Promise<Omit<CheckResult, "storageCalls">> {
    const { planning } = this.storage;
    const { instanceId, leaseTtlMs } = this.options;
    if (!this.enrolled) {
      // Tenants planned before plan rows existed, and tenants onboarded without an active program yet.
      for await (const tenant of this.storage.tenants.each()) await planning.enrol(tenant.id);
      this.enrolled = true;
    }
    const beat = this.clock.now();
    await planning.heartbeat(instanceId, beat + leaseTtlMs);
    this.aliveUntil = beat + leaseTtlMs;

    const now = this.clock.now();
    const instances = (await planning.plannerInstances()).filter(
      (i) => !this.options.peerFilter || this.options.peerFilter(i.instanceId),
    );
    const live = new Set(instances.filter((i) => i.until > now).map((i) => i.instanceId));
    live.add(instanceId);
    const rows: Versioned<TenantPlan>[] = [];
    for await (const row of planning.tenantPlans())
      if (!this.options.tenantFilter || this.options.tenantFilter(row.value.tenantId)) rows.push(row);
    const share = Math.ceil(rows.length / live.size);

    for (const row of rows) {
      const held = this.held.get(row.value.tenantId);
      // Another instance took it (this one's heartbeat ran out meanwhile): theirs now.
      if (held && !held.ticking && row.value.holder !== instanceId) this.drop(row.value.tenantId);
    }
    const claimed: string[] = [];
    for (const row of rows) {
      if (this.held.size >= share) break;
      const { holder, tenantId } = row.value;
      // A tenant whose row still names this instance was dropped by it (a tick lost its heartbeat margin):
      // nobody else may take it while this instance lives, so this instance takes it back.
      if (this.held.has(tenantId) || (holder !== null && holder !== instanceId && live.has(holder))) continue;
      try {
        const taken = await planning.saveTenantPlan({ ...row.value, holder: instanceId }, row.etag);
        this.held.set(tenantId, { row: taken, planner: this.plannerFor(tenantId), lastTickAt: 0 });
        claimed.push(tenantId);
      } catch (error) {
        if (!(error instanceof Error && error.name === "ConcurrencyError")) throw error;
      }
    }
    // More than a share (another instance started): give the surplus back for it to take.
    for (const [tenantId, held] of [...this.held]) {
      if (this.held.size <= share) break;
      if (held.ticking || claimed.includes(tenantId)) continue;
      await planning.saveTenantPlan({ ...held.row.value, holder: null }, held.row.etag).catch(() => undefined);
      this.held.delete(tenantId);
    }
    for (const stale of instances.filter((i) => i.until < now - 86_400_000))
      await planning.removeInstance(stale.instanceId);
    return { held: this.tenants, claimed };
  }

  private plannerFor(tenantId: string): TenantPlanner {
    const margin = this.options.leaseTtlMs / 3;
    return new TenantPlanner(this.storage, tenantId, {
      lookbackMs: this.options.lookbackMs,
      horizonMs: this.options.horizonMs,
      fullReloadMs: this.options.fullReloadMs,
      clock: this.clock,
      // Writes stop a margin before the heartbeat could run out, so another instance never overlaps them.
      stillHolding: () => this.held.has(tenantId) && this.clock.now() < this.aliveUntil - margin,
      beforeWrite: this.options.beforeWrite && (() => this.options.beforeWrite?.(tenantId) ?? Promise.resolve()),
    });
  }

  private startTick(tenantId: string, held: Held): void {
    const started = this.clock.now();
    held.lastTickAt = started;
    held.ticking = countingCalls(() => held.planner.tick(held.row))
      .then(({ result: { row, result }, calls }) => {
        held.row = row;
        const report: TickReport = { ...result, tenantId, ms: this.clock.now() - started, storageCalls: calls };
        this.ticks.push(report);
        if (this.ticks.length > 100) this.ticks.shift();
        this.options.onTick?.(report);
        if (plannerTickChannel.hasSubscribers)
          plannerTickChannel.publish({ ...report, instanceId: this.options.instanceId });
        if (result.planned + result.requeued > 0)
          this.logger?.info({ ...report }, "delivery planner: planned deliveries");
      })
      .catch((error: unknown) => {
        if (error instanceof LostTenant) {
          this.drop(tenantId);
          this.logger?.warn({ tenantId, ms: this.clock.now() - started }, "delivery planner: a tick lost its tenant");
        } else this.logger?.error({ err: error, tenantId }, "delivery planner: tick failed; the next one tries again");
      })
      .finally(() => {
        held.ticking = undefined;
      });
  }

  private drop(tenantId: string): void {
    this.held.get(tenantId)?.planner.forget();
    this.held.delete(tenantId);
  }
}
