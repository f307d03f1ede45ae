import { Lease } from "../delivery/index.js";
import type { Logger } from "../logger.js";
import type { Storage } from "../storage/index.js";
import { type InstallDeps, installMissing } from "./install-missing.js";

export interface ReachLoopOptions {
  instanceId: string;
  intervalMs: number;
  leaseTtlMs?: number;
  leaseName?: string;
}

/**
 * Installs the app for participants with no conversation, tenant by tenant, in one instance at a time (a
 * lease, like the planner's). A failing tenant is logged and the next one goes on: never a crash loop.
 */
export class ReachLoop {
  private readonly lease: Lease;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly deps: InstallDeps & { storage: Storage; logger?: Logger },
    private readonly options: ReachLoopOptions,
  ) {
    this.lease = new Lease(
      deps.storage.coordination,
      options.leaseName ?? "reach",
      options.instanceId,
      options.leaseTtlMs ?? Math.max(30_000, options.intervalMs * 3),
    );
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const run = () => {
      this.running = this.tick()
        .catch((error: unknown) => this.deps.logger?.error({ err: error }, "reach: tick failed"))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(run, this.options.intervalMs);
        });
    };
    run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.lease.release();
  }

  async tick(): Promise<{ leader: boolean; installed: number }> {
    if (!(await this.lease.acquire())) return { leader: false, installed: 0 };
    let installed = 0;
    for await (const tenant of this.deps.storage.tenants.each()) {
      if (this.stopped) break;
      try {
        installed += (await installMissing(this.deps, tenant.id)).installed;
      } catch (error) {
        this.deps.logger?.warn({ tenantId: tenant.id, reason: (error as Error).message }, "reach: tenant skipped");
      }
    }
    await this.lease.markRun();
    return { leader: true, installed };
  }
}
