import { afterEach, describe, expect, it, vi } from "vitest";
import { markFloor, markTime } from "../../src/storage/index.js";
import { newTenantId, testStorage } from "../support/storage.js";

afterEach(() => vi.useRealTimers());

describe("the planner's change marks", () => {
  it("read as one range from a point in time, and old ones clear a batch at a time, the recent left alone", async () => {
    const { planning } = await testStorage();
    const tenantId = newTenantId();
    const t0 = Date.parse("2026-12-02T09:00:00Z");
    vi.useFakeTimers({ toFake: ["Date"] });
    // Five installs a minute apart, then a team change; two changes of one person in one millisecond.
    for (let i = 0; i < 5; i++) {
      vi.setSystemTime(t0 + i * 60_000);
      await planning.changed(tenantId, "conversation", `person-${i}`);
    }
    vi.setSystemTime(t0 + 5 * 60_000);
    await planning.changed(tenantId, "team", "team-a");
    await planning.changed(tenantId, "conversation", "Person-9");
    await planning.changed(tenantId, "conversation", "person-9");
    vi.useRealTimers();

    const all = await planning.changesSince(tenantId, markFloor(0));
    expect(all.map((c) => markTime(c.mark) - t0)).toEqual([0, 1, 2, 3, 4, 5, 5, 5].map((m) => m * 60_000));
    expect(new Set(all.map((c) => c.mark)).size).toBe(8);
    const since = await planning.changesSince(tenantId, markFloor(t0 + 3 * 60_000));
    expect(since.map((c) => c.id).sort()).toEqual(["person-3", "person-4", "person-9", "person-9", "team-a"]);

    // Clearing what is older than minute 4, two at a time: two, then the last two of the four, then none.
    const before = markFloor(t0 + 4 * 60_000);
    expect(await planning.clearChangesBefore(tenantId, before, 2)).toBe(2);
    expect(await planning.clearChangesBefore(tenantId, before, 2)).toBe(2);
    expect(await planning.clearChangesBefore(tenantId, before, 2)).toBe(0);
    const left = await planning.changesSince(tenantId, markFloor(0));
    expect(left.map((c) => c.id)).toEqual(["person-4", ...since.slice(2).map((c) => c.id)]);
    // Another tenant's marks are apart.
    expect(await planning.changesSince(newTenantId(), markFloor(0))).toEqual([]);
  });
});
