import { AlreadyExistsError, ConcurrencyError, type CoordinationRepository, keys } from "../storage/index.js";

interface Bucket {
  tokens: number;
  /** When `tokens` was computed (ms since the epoch). */
  at: number;
}

export interface TenantRateLimiterOptions {
  /** Requests per second the tenant's bot traffic may make (sends, card updates, roster calls). */
  perSecond: number;
  /** Tokens an instance takes from the shared bucket at once: fewer storage writes, coarser sharing. */
  grant?: number;
  /** Tokens the bucket holds at most (the largest burst). */
  burst?: number;
}

const BUCKET = "rate-bucket";
/** An unused grant is given up after this long, so an idle instance cannot hoard a burst. */
const GRANT_TTL_MS = 1_000;

/**
 * One token bucket per tenant shared by every instance: a row in Table Storage guarded by its etag.
 * Each instance takes a small grant of tokens per write and spends it locally, so the storage cost is
 * one write per grant, not per request. A lost race re-reads and tries again.
 */
export class TenantRateLimiter {
  private readonly perSecond: number;
  private readonly grantSize: number;
  private readonly burst: number;
  private readonly local = new Map<string, { tokens: number; expires: number }>();
  private readonly rows = new Map<string, { bucket: Bucket; etag: string }>();
  private readonly refilling = new Map<string, Promise<number>>();
  /** The bucket was empty when last read: no storage call for this tenant before this instant. */
  private readonly notBefore = new Map<string, number>();

  constructor(
    private readonly coordination: CoordinationRepository,
    options: TenantRateLimiterOptions,
  ) {
    this.perSecond = options.perSecond;
    this.burst = Math.max(1, options.burst ?? Math.ceil(options.perSecond / 2));
    this.grantSize = Math.max(1, Math.min(this.burst, options.grant ?? Math.ceil(options.perSecond / 5)));
  }

  /** 0 and a token is spent, or the milliseconds until the tenant's bucket has one. */
  async take(tenantId: string, now = Date.now()): Promise<number> {
    if (this.spendLocal(tenantId, now)) return 0;
    const blocked = (this.notBefore.get(tenantId) ?? 0) - now;
    if (blocked > 0) return blocked;
    // One refill per tenant at a time in this instance; the others wait for it rather than race it.
    let refill = this.refilling.get(tenantId);
    if (!refill) {
      refill = this.refill(tenantId, now).finally(() => this.refilling.delete(tenantId));
      this.refilling.set(tenantId, refill);
    }
    const wait = await refill;
    if (wait > 0) return wait;
    return this.spendLocal(tenantId, Date.now()) ? 0 : Math.ceil(1000 / this.perSecond);
  }

  private spendLocal(tenantId: string, now: number): boolean {
    const grant = this.local.get(tenantId);
    if (!grant || grant.tokens < 1 || grant.expires <= now) return false;
    grant.tokens -= 1;
    return true;
  }

  private async refill(tenantId: string, now: number): Promise<number> {
    const key = keys.tenantCoordination(tenantId, BUCKET);
    for (let attempt = 0; attempt < 5; attempt++) {
      let row = this.rows.get(tenantId);
      if (!row) {
        const read = await this.coordination.read<Bucket>(key);
        if (!read) {
          try {
            const created = await this.coordination.create<Bucket>(key, {
              tokens: this.burst - this.grantSize,
              at: now,
            });
            this.rows.set(tenantId, { bucket: created.value, etag: created.etag });
            this.local.set(tenantId, { tokens: this.grantSize, expires: now + GRANT_TTL_MS });
            return 0;
          } catch (error) {
            if (error instanceof AlreadyExistsError) continue;
            throw error;
          }
        }
        row = { bucket: read.value, etag: read.etag };
        this.rows.set(tenantId, row);
      }
      const available = Math.min(
        this.burst,
        row.bucket.tokens + (Math.max(0, now - row.bucket.at) / 1000) * this.perSecond,
      );
      const take = Math.min(this.grantSize, Math.floor(available));
      if (take < 1) {
        const wait = Math.max(1, Math.ceil(((1 - available) / this.perSecond) * 1000));
        this.notBefore.set(tenantId, now + wait);
        return wait;
      }
      try {
        const next = { tokens: available - take, at: now };
        const saved = await this.coordination.replace<Bucket>(key, next, row.etag);
        this.rows.set(tenantId, { bucket: saved.value, etag: saved.etag });
        this.local.set(tenantId, { tokens: take, expires: now + GRANT_TTL_MS });
        return 0;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        // Another instance took tokens since we last looked: read the bucket afresh.
        this.rows.delete(tenantId);
        now = Date.now();
      }
    }
    return Math.ceil(1000 / this.perSecond);
  }
}
