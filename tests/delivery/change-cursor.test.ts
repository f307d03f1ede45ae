import { describe, expect, it } from "vitest";
import { CHANGE_CLEAR_BATCH, CHANGE_KEEP_MS, CHANGE_MARGIN_MS, ChangeCursor } from "../../src/delivery/index.js";
import { changeMark, markFloor, type PlanChange } from "../../src/storage/index.js";

const t0 = Date.parse("2026-12-02T09:00:00Z");
const change = (atMs: number, id = "p"): PlanChange => ({ kind: "conversation", id, mark: changeMark(atMs) });

describe("ChangeCursor", () => {
  it("taking a tenant over, reads from the mark the holder saved and takes everything after it", () => {
    const cursor = new ChangeCursor();
    const seen = changeMark(t0);
    expect(cursor.floor(false, seen)).toBe(seen);
    const older = change(t0 - 1_000);
    const newer = change(t0 + 1_000);
    expect(cursor.fresh([older, newer], false, seen)).toEqual([newer]);
  });

  it("holding on, reads again the margin before its last read and skips what it applied there", () => {
    const cursor = new ChangeCursor();
    cursor.loaded(t0);
    expect(cursor.floor(true, "")).toBe(markFloor(t0));
    const beforeLoad = change(t0 - 5_000);
    const first = change(t0 + 10_000);
    expect(cursor.fresh([beforeLoad, first], true, "")).toEqual([first]);

    const readAt = t0 + 120_000;
    cursor.applyRead([first], readAt);
    expect(cursor.floor(true, "")).toBe(markFloor(readAt - CHANGE_MARGIN_MS));
    // A change that landed late inside the margin is taken; the one applied is not taken twice.
    const late = change(readAt - 30_000, "late");
    const applied = change(readAt - 20_000, "applied");
    cursor.applyRead([applied], readAt);
    expect(cursor.fresh([late, applied], true, "")).toEqual([late]);
  });

  it("saves the newest mark it holds, or the load's start when that is later", () => {
    const cursor = new ChangeCursor();
    const seen = changeMark(t0 - 60_000);
    expect(cursor.newest([], seen)).toBe(seen);
    cursor.loaded(t0);
    expect(cursor.newest([], seen)).toBe(markFloor(t0));
    const newer = change(t0 + 5_000);
    expect(cursor.newest([change(t0 - 1), newer], seen)).toBe(newer.mark);
  });

  it("clears what is both applied and past the keep time, and keeps clearing while batches come back full", () => {
    const cursor = new ChangeCursor();
    const readAt = t0 + 3_600_000;
    expect(cursor.clearBefore(readAt, changeMark(t0))).toBe(markFloor(t0));
    expect(cursor.clearBefore(readAt, changeMark(readAt))).toBe(markFloor(readAt - CHANGE_KEEP_MS));
    expect(cursor.wantsClearing(0, false)).toBe(true);
    cursor.cleared(CHANGE_CLEAR_BATCH);
    expect(cursor.wantsClearing(0, false)).toBe(true);
    cursor.cleared(10);
    expect(cursor.wantsClearing(0, false)).toBe(false);
    expect(cursor.wantsClearing(1, false)).toBe(true);
    expect(cursor.wantsClearing(0, true)).toBe(true);
  });
});
