import { AlreadyExistsError, ConcurrencyError, type CoordinationRepository, keys } from "../storage/index.js";

interface LeaseRow {
  holder: string;
  /** The lease is the holder's until this instant (ms since the epoch) unless renewed. */
  until: number;
  /** When the holder last finished the work the lease guards, so a new holder knows when it is due. */
  lastRunAt: number;
}

/**
 * An etag-guarded row naming one holder among the app's instances. The holder renews it well within
 * `ttlMs`; when it dies, the row expires and the next instance to try takes it over.
 */
export class Lease {
  private etag: string | undefined;
  private row: LeaseRow | undefined;

  constructor(
    private readonly coordination: CoordinationRepository,
    private readonly name: string,
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease. True while this instance holds it. */
  async acquire(now = Date.now()): Promise<boolean> {
    const key = keys.appCoordination(this.name);
    const current = await this.coordination.read<LeaseRow>(key);
    try {
      if (!current) {
        const created = await this.coordination.create<LeaseRow>(key, {
          holder: this.holder,
          until: now + this.ttlMs,
          lastRunAt: 0,
        });
        return this.hold(created.value, created.etag);
      }
      if (current.value.holder !== this.holder && current.value.until > now) return this.lose();
      const renewed = await this.coordination.replace<LeaseRow>(
        key,
        { ...current.value, holder: this.holder, until: now + this.ttlMs },
        current.etag,
      );
      return this.hold(renewed.value, renewed.etag);
    } catch (error) {
      if (error instanceof ConcurrencyError || error instanceof AlreadyExistsError) return this.lose();
      throw error;
    }
  }

  /** When the guarded work last ran (by any holder); 0 if never. */
  get lastRunAt(): number {
    return this.row?.lastRunAt ?? 0;
  }

  /** Records that the work ran; false (and nothing written) if the lease was lost meanwhile. */
  async markRun(at = Date.now()): Promise<boolean> {
    if (!this.row || !this.etag) return false;
    try {
      const saved = await this.coordination.replace<LeaseRow>(
        keys.appCoordination(this.name),
        { ...this.row, lastRunAt: at },
        this.etag,
      );
      return this.hold(saved.value, saved.etag);
    } catch (error) {
      if (error instanceof ConcurrencyError) return this.lose();
      throw error;
    }
  }

  /** Gives the lease up at once (clean shutdown), so another instance need not wait for it to expire. */
  async release(): Promise<void> {
    if (!this.row || !this.etag) return;
    await this.coordination
      .replace<LeaseRow>(keys.appCoordination(this.name), { ...this.row, until: 0 }, this.etag)
      .catch((error: unknown) => {
        if (!(error instanceof ConcurrencyError)) throw error;
      });
    this.lose();
  }

  private hold(row: LeaseRow, etag: string): boolean {
    this.row = row;
    this.etag = etag;
    return true;
  }

  private lose(): boolean {
    this.row = undefined;
    this.etag = undefined;
    return false;
  }
}
