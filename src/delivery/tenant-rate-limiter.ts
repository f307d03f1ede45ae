import { AlreadyExistsError, ConcurrencyError, type CoordinationRepository, keys } from "../storage/index.js";
import { type Clock, systemClock } from "./clock.js";
import { sendStep } from "./send-steps.js";

/** The shared row: the bucket's theoretical arrival time (GCRA), ms since the epoch. */
interface Schedule {
  tat: number;
}

export interface TenantRateLimiterOptions {
  /** Requests per second the tenant's bot traffic may make (sends, card updates, roster calls). */
  perSecond: number;
  /** Slots an instance books from the shared row at once, at most: fewer storage writes, coarser sharing. */
  grant?: number;
  /** Requests that may go at once after a quiet spell (the largest burst). */
  burst?: number;
  /**
   * Slots are never booked further ahead than this: a person waiting on a reply (a command, a card update)
   * queues behind at most this much of a campaign's booked sends.
   */
  horizonMs?: number;
  /**
   * A slot is spent at its time or at most this late; a caller held up longer (a slow claim, a stalled
   * event loop) asks for a new one, so delays never bunch requests together.
   */
  graceMs?: number;
  clock?: Clock;
}

/**
 * What `reserve` gives: a slot at `at`, `waitMs` from now, that is the caller's to use (at most `graceMs`
 * late), or when one could be.
 */
export interface Reservation {
  reserved: boolean;
  waitMs: number;
  /** When the slot is (reserved), or when one could be (not reserved); ms since the epoch. */
  at: number;
}

const ROW = "rate-schedule";

/** What one booking got: `count` slots from `first` on (none when the tenant's horizon is full). */
interface Booking {
  first: number;
  count: number;
}

/**
 * One rate limit per tenant shared by every instance, as a generic cell rate algorithm (GCRA) over one
 * row in Table Storage guarded by its etag. An instance books a run of future send slots with one write
 * and hands each caller its own slot, so every booked slot is used at its time: callers never race for
 * tokens, grants do not shrink to one under contention, and the shared rate is met exactly rather than
 * approached. The row holds one number, the time the next slot is free; burst allows slots up to
 * `burst - 1` intervals before it. Slots are spent late rather than early: never before their time, and
 * never more than `graceMs` after it, so in any span of t seconds at most burst + rate × (t + grace)
 * requests go out, whatever storage or the event loop did meanwhile. With the defaults (burst a 25th of
 * the rate, grace 400 ms) that is the rate plus under half a second of it, inside a token bucket that holds a
 * second of the rate, as Teams' per-second limit does — leaving over half a second for what lies between our
 * clock and Teams' (the event loop between the check and the request, the network, Teams' own queueing). With
 * a burst of a fifth and a grace of 500 ms (0.7 s of the rate), 3 requests of 10,000 met Teams' limit in one
 * benchmark run.
 */
export class TenantRateLimiter {
  /** How late a slot may still be spent. */
  readonly graceMs: number;
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private readonly grantSize: number;
  private readonly horizonMs: number;
  private readonly clock: Clock;
  /** Slot times this instance has booked and not yet handed out, ascending. */
  private readonly slots = new Map<string, number[]>();
  private readonly rows = new Map<string, { value: Schedule; etag: string }>();
  private readonly booking = new Map<string, Promise<Booking>>();
  private readonly callers = new Map<string, number>();

  constructor(
    private readonly coordination: CoordinationRepository,
    options: TenantRateLimiterOptions,
  ) {
    this.intervalMs = 1000 / options.perSecond;
    const burst = Math.max(1, options.burst ?? Math.ceil(options.perSecond / 25));
    this.toleranceMs = (burst - 1) * this.intervalMs;
    this.grantSize = Math.max(1, options.grant ?? Math.ceil(options.perSecond / 5));
    this.horizonMs = options.horizonMs ?? 3_000;
    this.graceMs = options.graceMs ?? 400;
    this.clock = options.clock ?? systemClock;
  }

  /** 0 and a request may go now, or the milliseconds to wait before asking again. */
  async take(tenantId: string): Promise<number> {
    const { reserved, waitMs } = await this.reserve(tenantId, 0);
    return reserved ? 0 : Math.max(1, waitMs);
  }

  /**
   * A slot for one request within `maxWaitMs`: the caller waits `waitMs` and then goes (at most `graceMs`
   * late). When the tenant's slots are booked further ahead than that, nothing is reserved and `waitMs`
   * says when one could be.
   */
  async reserve(tenantId: string, maxWaitMs: number): Promise<Reservation> {
    this.callers.set(tenantId, (this.callers.get(tenantId) ?? 0) + 1);
    try {
      // Each round either hands out a slot, says when, or booked slots that others may have taken first.
      for (let round = 0; round < 50; round++) {
        const now = this.clock.now();
        const slot = this.handOut(tenantId, now, maxWaitMs);
        if (slot !== undefined) return { reserved: true, waitMs: Math.max(0, Math.ceil(slot - now)), at: slot };
        const next = this.slots.get(tenantId)?.[0];
        if (next !== undefined) return this.notYet(next);
        const { first, count } = await this.book(tenantId);
        if (count > 0) continue;
        // The tenant's slots are booked a horizon ahead. Beyond the caller's wait: when its slot could be;
        // within it: when booking opens again (callers sleep until then rather than ask in a loop).
        const after = this.clock.now();
        return this.notYet(
          first > after + maxWaitMs ? first : Math.max(after + this.intervalMs, first - this.horizonMs),
        );
      }
      return this.notYet(this.clock.now() + this.intervalMs);
    } finally {
      this.callers.set(tenantId, (this.callers.get(tenantId) ?? 1) - 1);
    }
  }

  private notYet(at: number): Reservation {
    return { reserved: false, waitMs: Math.max(1, Math.ceil(at - this.clock.now())), at };
  }

  private handOut(tenantId: string, now: number, maxWaitMs: number): number | undefined {
    const slots = this.slots.get(tenantId);
    if (!slots) return undefined;
    // A slot that could no longer be spent within its grace is dropped: spending it late could bunch requests.
    while (slots.length > 0 && (slots[0] ?? 0) < now - this.graceMs) {
      slots.shift();
      sendStep("slot-dropped");
    }
    const first = slots[0];
    if (first === undefined || first > now + maxWaitMs) return undefined;
    slots.shift();
    return first;
  }

  /** One booking per tenant at a time in this instance; concurrent callers share it. */
  private book(tenantId: string): Promise<Booking> {
    let pending = this.booking.get(tenantId);
    if (!pending) {
      pending = this.bookFromRow(tenantId).finally(() => this.booking.delete(tenantId));
      this.booking.set(tenantId, pending);
    }
    return pending;
  }

  /** Books up to a grant of slots for the callers waiting (none when the horizon is full). */
  private async bookFromRow(tenantId: string): Promise<Booking> {
    const key = keys.tenantCoordination(tenantId, ROW);
    for (let attempt = 0; attempt < 8; attempt++) {
      const now = this.clock.now();
      const row = this.rows.get(tenantId) ?? (await this.readOrCreate(tenantId, key, now));
      if (!row) continue;
      const base = Math.max(row.value.tat, now);
      const first = Math.max(now, base - this.toleranceMs);
      const room = Math.floor((now + this.horizonMs - first) / this.intervalMs) + 1;
      const count = Math.min(this.grantSize, Math.max(1, this.callers.get(tenantId) ?? 1), room);
      if (count < 1) return { first, count: 0 };
      try {
        const saved = await this.coordination.replace<Schedule>(key, { tat: base + count * this.intervalMs }, row.etag);
        this.rows.set(tenantId, saved);
        const slots = this.slots.get(tenantId) ?? [];
        for (let j = 0; j < count; j++) slots.push(Math.max(now, base + j * this.intervalMs - this.toleranceMs));
        this.slots.set(tenantId, slots);
        return { first, count };
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        // Another instance booked since we last looked: read the row afresh.
        this.rows.delete(tenantId);
      }
    }
    return { first: this.clock.now() + this.intervalMs, count: 0 };
  }

  private async readOrCreate(
    tenantId: string,
    key: ReturnType<typeof keys.tenantCoordination>,
    now: number,
  ): Promise<{ value: Schedule; etag: string } | undefined> {
    const read = await this.coordination.read<Schedule>(key);
    if (read) {
      this.rows.set(tenantId, read);
      return read;
    }
    try {
      const created = await this.coordination.create<Schedule>(key, { tat: now - this.toleranceMs });
      this.rows.set(tenantId, created);
      return created;
    } catch (error) {
      if (error instanceof AlreadyExistsError) return undefined;
      throw error;
    }
  }
}
