import { randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { mapWithConcurrency } from "../concurrency.js";
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
  /**
   * The newest change mark applied. Absent in rows written before marks sorted by time: every change row still
   * there is read once.
   */
  changesSeen?: string;
}

export interface PlanChange {
  kind: PlanChangeKind;
  id: string;
  /** When the change was made and a random part: sorts by time (see changeMark). */
  mark: string;
}

/** Marks made at or after `at` (ms) sort at or after this: the time in base 36, fixed width. */
export function markFloor(at: number): string {
  return Math.max(0, Math.floor(at)).toString(36).padStart(9, "0");
}

/** A change's mark: when it was made (so marks sort by time), then a random part (two changes in one ms). */
export function changeMark(at: number): string {
  return `${markFloor(at)}-${randomUUID().slice(0, 8)}`;
}

/** When a mark was made (ms); 0 for a mark not made by changeMark. */
export function markTime(mark: string): number {
  const time = Number.parseInt(mark.slice(0, 9), 36);
  return Number.isFinite(time) ? time : 0;
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
 * Where the delivery planner keeps its own state: in the coordination table a row per enrolled tenant
 * (holder and progress) and a heartbeat row per running instance; in a table of their own, per tenant a row
 * per change of a program, team or person (a bulk install writes 100,000 of them, and the coordination table
 * also holds the rate limiter's row, written on every booking: on Azurite a write costs more the more rows
 * its table has). Each change writes a row of its own (never one another writer contends for), led
 * by when it was made; the planner reads the rows since the newest it applied (less a margin for writes that
 * land late) and clears old ones a batch at a time, so a bulk install's 100,000 marks are never deleted in
 * the tick that applies them (Azurite's delete costs grow with the table).
 */
export class PlanningRepository implements PlanChanges {
  private readonly plans: EntityStore<TenantPlan>;
  private readonly changes: EntityStore<ChangeRow>;
  private readonly instances: EntityStore<InstanceRow>;

  constructor(client: TableClient, changesClient: TableClient) {
    this.plans = new EntityStore(client, { what: "tenant plan", keyOf: (p) => keys.tenantPlan(p.tenantId) });
    this.changes = new EntityStore(changesClient, {
      what: "plan change",
      keyOf: (c) => keys.planChange(c.tenantId, c.kind, c.id, c.mark),
    });
    this.instances = new EntityStore(client, {
      what: "planner instance",
      keyOf: (i) => keys.plannerInstance(i.instanceId),
    });
  }

  async changed(tenantId: string, kind: PlanChangeKind, id: string): Promise<void> {
    await this.changes.upsert({
      tenantId: tenantId.toLowerCase(),
      kind,
      id: id.toLowerCase(),
      mark: changeMark(Date.now()),
    });
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

  /** The changes marked for a tenant at or after `floor` (a markFloor), in mark order. */
  async changesSince(tenantId: string, floor: string): Promise<PlanChange[]> {
    const found: PlanChange[] = [];
    const partition = keys.planChangePartition(tenantId);
    for await (const row of this.changes.each(filters.rowRange(partition, floor, "~")))
      found.push({ kind: row.value.kind, id: row.value.id, mark: row.value.mark });
    return found;
  }

  /**
   * Clears up to `limit` changes marked before `before` (a markFloor), a hundred to a transaction: applied long
   * since. Returns how many it cleared; as many as `limit` means there may be more.
   */
  async clearChangesBefore(tenantId: string, before: string, limit: number): Promise<number> {
    const old: PlanChange[] = [];
    const partition = keys.planChangePartition(tenantId);
    for await (const row of this.changes.each(filters.rowRange(partition, "", before))) {
      old.push({ kind: row.value.kind, id: row.value.id, mark: row.value.mark });
      if (old.length >= limit) break;
    }
    const batches: PlanChange[][] = [];
    for (let i = 0; i < old.length; i += 100) batches.push(old.slice(i, i + 100));
    await mapWithConcurrency(batches, 4, (batch) => this.clearBatch(tenantId, batch));
    return old.length;
  }

  private async clearBatch(tenantId: string, batch: readonly PlanChange[]): Promise<void> {
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
