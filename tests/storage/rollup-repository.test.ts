import { describe, expect, it } from "vitest";
import { newTenantId, testStorage } from "../support/storage.js";

describe("rollup repository", () => {
  it("writes many large rows in batches under the transaction size limit", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    // Twenty rows of 400,000 characters: 8 MB together, twice what one transaction may carry.
    const rows = Array.from({ length: 20 }, (_, i) => ({
      tenantId,
      scope: "program.big",
      rowKey: `pt:${String(i).padStart(2, "0")}`,
      data: { filler: "x".repeat(400_000) },
    }));
    await storage.rollups.overwriteMany(rows);
    const stored = await storage.rollups.range<{ filler: string }>(tenantId, "program.big", "pt:");
    expect(stored.map((r) => [r.rowKey, r.data.filler.length])).toEqual(rows.map((r) => [r.rowKey, 400_000]));
  });
});
