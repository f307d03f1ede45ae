import { markFloor, markTime, type PlanChange } from "../storage/index.js";

/**
 * Changes are read from this long before the previous read: a change's row may land after a later one (its
 * write was slow, its writer's clock behind). One landing later still is found by the periodic full reload.
 */
export const CHANGE_MARGIN_MS = 60_000;
/** Change rows are kept this long after they were read, and cleared a batch per tick after that. */
export const CHANGE_KEEP_MS = 10 * 60_000;
export const CHANGE_CLEAR_BATCH = 2_000;

/**
 * Where a planner stands in a tenant's change marks: from which mark the next tick reads, which of those it
 * applied already, and whether old rows are left to clear. Marks are made on the writers' wall clocks. Holding
 * on, a planner reads again the marks of the margin before its last read and skips those it applied; taking
 * over, it trusts the mark the holder saved (a change that landed late just then is left to the full reload).
 */
export class ChangeCursor {
  /** Marks of the changes applied that a next tick reads again (inside the margin). */
  private applied = new Set<string>();
  /** Changes marked before this (a markFloor) are in the inputs as last loaded. */
  private loadedFrom = "";
  /** Where the next read of changes starts (a markFloor): the margin before the last read. */
  private readFrom = "";
  /** The last clearing of old change rows found a full batch: clear again at the next tick. */
  private moreToClear = true;

  /** The mark to read from: holding on, the later of the margin and the last load; taking over, `seen`. */
  floor(holding: boolean, seen: string): string {
    if (!holding) return seen;
    return this.readFrom > this.loadedFrom ? this.readFrom : this.loadedFrom;
  }

  /** The changes read that the inputs do not hold yet. */
  fresh(read: readonly PlanChange[], holding: boolean, seen: string): PlanChange[] {
    return read.filter((c) => (holding ? !this.applied.has(c.mark) && c.mark > this.loadedFrom : c.mark > seen));
  }

  /** The inputs were read afresh, starting at `wallMs`: every change marked before then is in them. */
  loaded(wallMs: number): void {
    this.loadedFrom = markFloor(wallMs);
  }

  /** The newest mark the inputs hold, for a takeover to read on from (saved in the plan row). */
  newest(read: readonly PlanChange[], seen: string): string {
    return read.reduce(
      (newest, c) => (c.mark > newest ? c.mark : newest),
      this.loadedFrom > seen ? this.loadedFrom : seen,
    );
  }

  /** The tick that read `read` at `readAtMs` applied them. */
  applyRead(read: readonly PlanChange[], readAtMs: number): void {
    this.readFrom = markFloor(readAtMs - CHANGE_MARGIN_MS);
    this.applied = new Set(read.filter((c) => c.mark >= this.readFrom).map((c) => c.mark));
  }

  /** Whether this tick clears old rows: some are left, or changes came, or the checkpoint is due. */
  wantsClearing(changes: number, due: boolean): boolean {
    return this.moreToClear || changes > 0 || due;
  }

  /** Rows marked before this are applied (up to the mark saved for a takeover) and outside any read's margin. */
  clearBefore(readAtMs: number, newest: string): string {
    return markFloor(Math.min(readAtMs - CHANGE_KEEP_MS, markTime(newest)));
  }

  cleared(count: number): void {
    this.moreToClear = count >= CHANGE_CLEAR_BATCH;
  }
}
