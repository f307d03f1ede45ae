import { setImmediate } from "node:timers/promises";
import { mapWithConcurrency } from "../concurrency.js";
import { type Delivery, reviveDelivery } from "../domain/index.js";
import { ConcurrencyError, type Storage, type TenantPlan, type Versioned } from "../storage/index.js";
import { CHANGE_CLEAR_BATCH, ChangeCursor } from "./change-cursor.js";
import { type Clock, systemClock } from "./clock.js";
import { DeliveryEnqueuer } from "./enqueue.js";
import { planWindow, ZoneCache } from "./planner.js";
import { applyChanges, loadInputs, peopleNamedBy, peopleOf, type TenantInputs } from "./tenant-inputs.js";

/** People planned between two turns of the event loop. */
const PLAN_CHUNK = 2_000;
/** Rows written between two checks that the tenant is still held: enough to fill transactions in 64 buckets. */
const WRITE_CHUNK = 10_000;
/** Transactions in flight at once: storage does the rows of one in a single request. */
const TRANSACTIONS_IN_FLIGHT = 4;

export interface TenantPlannerOptions {
  /** Slots this far back are still planned: a tick that died half-way is made good by the next. */
  lookbackMs: number;
  /** Slots up to this far ahead are planned (and wait on the queue, invisible, until due). */
  horizonMs: number;
  /** Everything is read afresh this often, so a change whose mark was lost is planned all the same. */
  fullReloadMs?: number;
  /** The plan row is written at least this often even when nothing was planned. */
  checkpointMs?: number;
  /** Rows written and queued at once. */
  concurrency?: number;
  clock?: Clock;
  /** Asked before every write: false once this instance may no longer plan the tenant (its claim ran out). */
  stillHolding?: () => boolean;
  /** Test seam: runs after planning, before anything is written. */
  beforeWrite?: () => Promise<void>;
}

export interface TenantTickResult {
  /** Deliveries written and queued. */
  planned: number;
  /** Deliveries found written already and queued again (a tick before this one died before its checkpoint). */
  requeued: number;
  /** Marked changes applied. */
  changes: number;
  /** Whether everything was read afresh. */
  reloaded: boolean;
  /** Change marks of earlier ticks cleared (at most CHANGE_CLEAR_BATCH a tick, once applied and old enough). */
  cleared: number;
}

/** This instance may no longer plan the tenant: its claim ran out, or another instance holds it now. */
export class LostTenant extends Error {
  constructor(tenantId: string) {
    super(`no longer planning tenant ${tenantId}`);
    this.name = "LostTenant";
  }
}

type PlannerStorage = Pick<
  Storage,
  "programs" | "assets" | "teams" | "conversations" | "deliveries" | "deliveryQueue" | "planning"
>;

/**
 * Plans one tenant, incrementally. Between ticks it keeps the tenant's programs, pilot teams and people in
 * memory; a tick reads only the changes marked since (one query when nothing changed), applies them, and
 * plans (1) the slots newly inside the horizon, for everyone with one there, and (2) for the people a
 * change touched, the slots already covered that the new inputs add. Rows are written, then queued; the
 * plan row (how far ahead is planned) is saved after, and the marks cleared last, so a tick that dies is
 * redone by the next: a row it finds written already is queued again (a second message is harmless).
 */
export class TenantPlanner {
  private inputs: TenantInputs | undefined;
  private loadedAt = 0;
  private plannedUntil = 0;
  private changeCursor = new ChangeCursor();
  private readonly clock: Clock;
  private readonly zones = new ZoneCache();

  constructor(
    private readonly storage: PlannerStorage,
    readonly tenantId: string,
    private readonly options: TenantPlannerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Forgets what it held: the next tick reads everything afresh (after another instance planned the tenant). */
  forget(): void {
    this.inputs = undefined;
    this.plannedUntil = 0;
    this.changeCursor = new ChangeCursor();
  }

  /** One tick over the tenant's plan row (held by this instance); returns the row as saved. */
  async tick(row: Versioned<TenantPlan>): Promise<{ row: Versioned<TenantPlan>; result: TenantTickResult }> {
    const { planning } = this.storage;
    const now = this.clock.now();
    const seen = row.value.changesSeen ?? "";
    // Nothing planned yet: the inputs read afresh are the whole story, and the changes that led to them (a
    // bulk install's 100,000) need not be read at all.
    const firstPlan = row.value.plannedUntil === 0;
    // Marks are made on the writers' wall clocks, not on the clock that says which slots are due.
    const cursor = this.changeCursor;
    const readAt = Date.now();
    const holding = this.inputs !== undefined;
    const read = firstPlan ? [] : await planning.changesSince(this.tenantId, cursor.floor(holding, seen));
    const changes = cursor.fresh(read, holding, seen);
    // A first plan that failed and is tried again reads everything again too: it read no changes meanwhile.
    const reload = !this.inputs || firstPlan || now - this.loadedAt >= (this.options.fullReloadMs ?? 3_600_000);
    const before = this.inputs;
    let affected: Set<string>;
    if (reload) {
      const loadStart = Date.now();
      this.inputs = await loadInputs(this.storage, this.tenantId);
      this.loadedAt = now;
      cursor.loaded(loadStart);
      // With what this instance planned from in hand, compare everyone; without it, the marked changes name whom.
      affected = before ? peopleOf(this.inputs) : peopleNamedBy(changes, this.inputs);
    } else {
      ({ inputs: this.inputs, affected } = await applyChanges(
        this.storage,
        this.tenantId,
        before as TenantInputs,
        changes,
      ));
    }
    const inputs = this.inputs;

    const earliest = now - this.options.lookbackMs;
    const from = Math.max(row.value.plannedUntil, this.plannedUntil, earliest);
    const to = Math.max(from, now + this.options.horizonMs);
    const deliveries = new Map<string, Delivery>();
    // Cards a change adds to what was planned already: their rows may exist, expired while the person could
    // not be reached. Cards newly inside the horizon have a row only if a tick died before its checkpoint.
    const revivable = new Set<string>();
    if (affected.size > 0 && from > earliest) {
      const covered = { people: affected, from: new Date(earliest), to: new Date(from) };
      const old = before ? new Set((await this.plan(before, covered, now)).map((d) => d.id)) : new Set<string>();
      for (const d of await this.plan(inputs, covered, now))
        if (!old.has(d.id)) {
          deliveries.set(d.id, d);
          revivable.add(d.id);
        }
    }
    if (to > from)
      for (const d of await this.plan(inputs, { from: new Date(from), to: new Date(to) }, now)) deliveries.set(d.id, d);

    await this.options.beforeWrite?.();
    const { planned, requeued } = await this.write([...deliveries.values()], revivable, now);
    this.plannedUntil = to;

    const changesSeen = cursor.newest(read, seen);
    let saved = row;
    const due = now - row.value.savedAt >= (this.options.checkpointMs ?? 600_000);
    if (planned + requeued > 0 || changes.length > 0 || reload || due) {
      this.assertHolding();
      try {
        saved = await planning.saveTenantPlan({ ...row.value, plannedUntil: to, savedAt: now, changesSeen }, row.etag);
      } catch (error) {
        if (error instanceof ConcurrencyError) throw new LostTenant(this.tenantId);
        throw error;
      }
    }
    cursor.applyRead(read, readAt);
    let cleared = 0;
    if (cursor.wantsClearing(changes.length, due)) {
      cleared = await planning.clearChangesBefore(
        this.tenantId,
        cursor.clearBefore(readAt, changesSeen),
        CHANGE_CLEAR_BATCH,
      );
      cursor.cleared(cleared);
    }
    return { row: saved, result: { planned, requeued, changes: changes.length, reloaded: reload, cleared } };
  }

  /**
   * Plans a window a few thousand people at a time, giving the event loop back between them: a tenant of
   * 100,000 people is tens of seconds of planning, and the instance's heartbeat (a timer) must keep beating
   * meanwhile, or the tick would lose its tenant before writing. The cap is per person, so the parts add up
   * to the plan of all.
   */
  private async plan(
    inputs: TenantInputs,
    window: { people?: ReadonlySet<string>; from: Date; to: Date },
    now: number,
  ): Promise<Delivery[]> {
    const people = [...(window.people ?? peopleOf(inputs))];
    const planned: Delivery[] = [];
    for (let i = 0; i < people.length; i += PLAN_CHUNK) {
      if (i > 0) await setImmediate();
      const part = planWindow({
        programs: [...inputs.programs.values()],
        teams: inputs.teams,
        conversations: inputs.conversations,
        ...window,
        people: new Set(people.slice(i, i + PLAN_CHUNK)),
        now: new Date(now),
        zones: this.zones,
      });
      for (const d of part) planned.push(d);
    }
    return planned;
  }

  /**
   * Writes the rows (a hundred of a bucket to a transaction), then queues each with its etag and the person's
   * conversation, due at its slot; a chunk at a time, so a lost claim stops the tick between chunks.
   */
  private async write(
    deliveries: Delivery[],
    revivable: ReadonlySet<string>,
    now: number,
  ): Promise<{ planned: number; requeued: number }> {
    const inputs = this.inputs as TenantInputs;
    const enqueuer = new DeliveryEnqueuer(this.storage.deliveryQueue, this.tenantId, () => this.clock.now());
    let planned = 0;
    let requeued = 0;
    for (let i = 0; i < deliveries.length; i += WRITE_CHUNK) {
      this.assertHolding();
      const outcomes = await this.storage.deliveries.createMany(deliveries.slice(i, i + WRITE_CHUNK), {
        concurrency: TRANSACTIONS_IN_FLIGHT,
      });
      this.assertHolding();
      await mapWithConcurrency(outcomes, this.options.concurrency ?? 32, async (outcome) => {
        const { delivery } = outcome;
        const dueAt = new Date(Math.max(Date.parse(delivery.slot), now));
        const item = { recipientObjectId: delivery.recipientObjectId, deliveryId: delivery.id };
        const conversation = inputs.conversations.get(delivery.recipientObjectId);
        if ("etag" in outcome) {
          await enqueuer.add({ item: { ...item, planned: { delivery, etag: outcome.etag }, conversation }, dueAt });
          planned++;
          return;
        }
        const revived =
          revivable.has(delivery.id) && Date.parse(delivery.slot) >= now ? await this.revive(delivery, now) : undefined;
        if (revived) {
          await enqueuer.add({
            item: { ...item, planned: { delivery: revived.value, etag: revived.etag }, conversation },
            dueAt,
          });
          planned++;
          return;
        }
        // Written by a tick that may have died before queueing it: queue it again; the claim decides.
        await enqueuer.add({ item, dueAt });
        requeued++;
      });
    }
    await enqueuer.flush();
    return { planned, requeued };
  }

  /**
   * A slot the plan gains that has a row already: if the row expired unsent while its person could not be
   * reached (an uninstall, a pause, a paused program) and now can be, it is scheduled again. Otherwise (a tick
   * that died before queueing it) undefined.
   */
  private async revive(delivery: Delivery, now: number): Promise<Versioned<Delivery> | undefined> {
    const { deliveries } = this.storage;
    const row = await deliveries.get(delivery.tenantId, delivery.recipientObjectId, delivery.id);
    if (row?.value.status !== "expired" || row.value.sentAt !== null) return undefined;
    try {
      return await deliveries.save(reviveDelivery(row.value, new Date(now)), row.etag);
    } catch (error) {
      if (error instanceof ConcurrencyError) return undefined;
      throw error;
    }
  }

  private assertHolding(): void {
    if (this.options.stillHolding && !this.options.stillHolding()) throw new LostTenant(this.tenantId);
  }
}

/**
 * One tick for a tenant outside the planner loop (scripts, tests): plans what is due and not planned yet,
 * going by the tenant's plan row, which it creates if need be.
 */
export async function planTenant(
  storage: PlannerStorage,
  tenantId: string,
  options: TenantPlannerOptions,
): Promise<TenantTickResult> {
  await storage.planning.enrol(tenantId);
  const row = await storage.planning.tenantPlan(tenantId);
  if (!row) throw new Error(`tenant ${tenantId} has no plan row`);
  return (await new TenantPlanner(storage, tenantId, options).tick(row)).result;
}
