import { describe, expect, it } from "vitest";
import type { Observation } from "../../src/domain/index.js";
import { aTeam, now } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

/** Azure Tables returns at most 1,000 entities a page: every read must follow continuation tokens. */
describe("paging past 1,000 entities", () => {
  it("reads 1,050 KPI values of one series page by page, in date order", async () => {
    const { kpiValues } = await testStorage();
    const tenantId = newTenantId();
    const start = Date.UTC(2024, 0, 1);
    const values = Array.from({ length: 1050 }, (_, i) => ({
      tenantId,
      kpiId: "win-rate",
      teamId: "team-a",
      date: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      value: 20 + (i % 10),
      source: "api",
      recordedAt: now,
    }));
    expect(await kpiValues.upsertMany(tenantId, "win-rate", values)).toBe(1050);

    const first = await kpiValues.series(tenantId, "win-rate", "team-a", { pageSize: 1000 });
    expect(first.items).toHaveLength(1000);
    expect(first.continuationToken).toBeDefined();
    const second = await kpiValues.series(tenantId, "win-rate", "team-a", {
      pageSize: 1000,
      continuationToken: first.continuationToken,
    });
    expect(second.items).toHaveLength(50);
    expect(second.continuationToken).toBeUndefined();
    const dates = [...first.items, ...second.items].map((v) => v.date);
    expect(dates).toEqual([...dates].sort());
    expect(dates[1049]).toBe(values[1049]?.date);

    // Re-sending a value for the same date replaces it: still 1,050 rows.
    await kpiValues.upsertMany(tenantId, "win-rate", [{ ...values[0], value: 99 }]);
    const again = await kpiValues.series(tenantId, "win-rate", "team-a", { pageSize: 1000, to: values[0]?.date });
    expect(again.items).toEqual([expect.objectContaining({ date: values[0]?.date, value: 99 })]);
  });

  it("reads 1,050 observations newest first across pages", async () => {
    const { observations } = await testStorage();
    const tenantId = newTenantId();
    const team = aTeam(tenantId);
    const member = team.members[0]?.objectId ?? "";
    const start = Date.UTC(2026, 8, 7, 9);
    const all: Observation[] = Array.from({ length: 1050 }, (_, i) => ({
      id: `o-${i}`,
      tenantId,
      programId: "prog-1",
      teamId: "team-a",
      managerObjectId: team.manager.objectId,
      memberObjectId: member,
      behaviourId: "open-questions",
      levelIndex: i % 3,
      note: "",
      observedAt: new Date(start + i * 60_000).toISOString(),
      deliveryId: null,
    }));
    for (let i = 0; i < all.length; i += 100) await observations.addForTeam(tenantId, "team-a", all.slice(i, i + 100));

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await observations.latest(tenantId, "team-a", { pageSize: 1000, continuationToken: token });
      seen.push(...page.items.map((o) => o.id));
      token = page.continuationToken;
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(seen).toHaveLength(1050);
    expect(seen[0]).toBe("o-1049");
    expect(seen[1049]).toBe("o-0");

    const lastTen = await observations.since(tenantId, "team-a", new Date(start + 1040 * 60_000));
    expect(lastTen.items.map((o) => o.id)).toEqual(Array.from({ length: 10 }, (_, i) => `o-${1049 - i}`));
  });
});
