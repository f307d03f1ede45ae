import { randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { EntityStore, filters, TableTransaction, type Versioned } from "./entity-store.js";
import { AlreadyExistsError, NotFoundError } from "./storage-errors.js";
import { keys } from "./table-keys.js";

/** What changed in a tenant that planning depends on. Assets count as their program. */
export type PlanChangeKind = "program" | "team" | "conversation";

/** Told of every change the delivery planner depends on, by the repositories that write them. */
export interface PlanChanges {
  changed(tenantId: string, kind: PlanChangeKind, id: string): Promise<void>;
  /** A tenant with an active program: the planner plans it from now on. */
  enrol(tenantId: string): Promise<void>;
}

/** One tenant's planning: who plans it now, and how far ahead its deliveries are planned. */
export interface TenantPlan {
  tenantId: string;
  /** The instance planning this tenant, while its heartbeat lasts; null when free. */
  holder: string | null;
  /** Slots before this instant (ms) are planned for the programs, teams and people as they were. */
  plannedUntil: number;
  /** When the holder last wrote this row (ms). */
  savedAt: number;
}

export interface PlanChange {
  kind: PlanChangeKind;
  id: string;
  /** This change's own mark among others of the same thing. */
  mark: string;
}

interface ChangeRow {
  tenantId: string;
  kind: PlanChangeKind;
  id: string;
  mark: string;
}

interface InstanceRow {
  instanceId: string;
  /** The instance is alive until this instant (ms) unless it renews. */
  until: number;
}

/**
 * Where the delivery planner keeps its own state, in the coordination table: a row per enrolled tenant
 * (holder and progress), a heartbeat row per running instance, and per tenant a row per change of a
 * program, team or person. Each change writes a row of its own (never one another writer contends for),
 * and the planner deletes exactly the rows it applied: a change made meanwhile has a row it did not read.
 */
export class PlanningRepository implements PlanChanges {
  private readonly plans: EntityStore<TenantPlan>;
  private readonly changes: EntityStore<ChangeRow>;
  private readonly instances: EntityStore<InstanceRow>;

  constructor(client: TableClient) {
    this.plans = new EntityStore(client, { what: "tenant plan", keyOf: (p) => keys.tenantPlan(p.tenantId) });
    this.changes = new EntityStore(client, {
      what: "plan change",
      keyOf: (c) => keys.planChange(c.tenantId, c.kind, c.id, c.mark),
    });
    this.instances = new EntityStore(client, {
      what: "planner instance",
      keyOf: (i) => keys.plannerInstance(i.instanceId),
    });
  }

  async changed(tenantId: string, kind: PlanChangeKind, id: string): Promise<void> {
    const mark = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
    await this.changes.upsert({ tenantId: tenantId.toLowerCase(), kind, id: id.toLowerCase(), mark });
  }

  async enrol(tenantId: string): Promise<void> {
    try {
      await this.plans.create({ tenantId: tenantId.toLowerCase(), holder: null, plannedUntil: 0, savedAt: 0 });
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }

  /** Every enrolled tenant's plan row, a service page (1,000) at a time. */
  tenantPlans(): AsyncGenerator<Versioned<TenantPlan>> {
    return this.plans.each(filters.partition(keys.tenantPlan("x").partitionKey));
  }

  async tenantPlan(tenantId: string): Promise<Versioned<TenantPlan> | undefined> {
    const { partitionKey, rowKey } = keys.tenantPlan(tenantId);
    return this.plans.get(partitionKey, rowKey);
  }

  /** Saves over `etag`; ConcurrencyError when another instance wrote it since. */
  async saveTenantPlan(plan: TenantPlan, etag: string): Promise<Versioned<TenantPlan>> {
    return { value: plan, etag: await this.plans.replace(plan, etag) };
  }

  /** The changes marked for a tenant since they were last applied. */
  async pendingChanges(tenantId: string): Promise<PlanChange[]> {
    const found: PlanChange[] = [];
    for await (const row of this.changes.each(filters.partition(keys.planChangePartition(tenantId))))
      found.push({ kind: row.value.kind, id: row.value.id, mark: row.value.mark });
    return found;
  }

  /**
   * Clears applied changes, a hundred to a transaction, so a bulk install's thousands of marks cost tens of
   * calls; a batch that meets a row already gone is cleared one by one instead.
   */
  async clearChanges(tenantId: string, changes: readonly PlanChange[]): Promise<void> {
    for (let i = 0; i < changes.length; i += 100) {
      const batch = changes.slice(i, i + 100);
      const transaction = new TableTransaction();
      for (const change of batch) {
        const { partitionKey, rowKey } = keys.planChange(tenantId, change.kind, change.id, change.mark);
        transaction.deleteEntity(partitionKey, rowKey);
      }
      try {
        await this.changes.submit(transaction);
      } catch {
        for (const change of batch) await this.clearChange(tenantId, change);
      }
    }
  }

  private async clearChange(tenantId: string, change: PlanChange): Promise<void> {
    const { partitionKey, rowKey } = keys.planChange(tenantId, change.kind, change.id, change.mark);
    try {
      await this.changes.delete(partitionKey, rowKey);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  async heartbeat(instanceId: string, until: number): Promise<void> {
    await this.instances.upsert({ instanceId, until });
  }

  /** Every instance that has a heartbeat row, live or not. */
  async plannerInstances(): Promise<InstanceRow[]> {
    const found: InstanceRow[] = [];
    for await (const row of this.instances.each(filters.partition(keys.plannerInstance("x").partitionKey)))
      found.push(row.value);
    return found;
  }

  async removeInstance(instanceId: string): Promise<void> {
    const { partitionKey, rowKey } = keys.plannerInstance(instanceId);
    try {
      await this.instances.delete(partitionKey, rowKey);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
}

/**
 * Tells the planner of a change that is already saved. Best effort: a mark lost here (storage failing
 * between the two writes) is found by the planner's periodic full reload, so the caller's save stands.
 */
export async function tellPlanner(tell: () => Promise<void>): Promise<void> {
  try {
    await tell();
  } catch {
    // See above: the periodic reload catches what a lost mark missed.
  }
}

/** For places that write without a planner around (scripts over a bare repository): changes go nowhere. */
export const noPlanChanges: PlanChanges = {
  changed: async () => undefined,
  enrol: async () => undefined,
};
