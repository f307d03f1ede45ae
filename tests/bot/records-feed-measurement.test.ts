import { beforeAll, describe, expect, it } from "vitest";
import { inputIds } from "../../bot/index.js";
import { computeRollups, exportStatements, programScope, xapiOutbox } from "../../src/measure/index.js";
import type { Storage } from "../../src/storage/index.js";
import { newTenantId, testStorage } from "../support/storage.js";
import { seedBotTenant } from "./support/bot-fixtures.js";
import { chatAs, testBot } from "./support/chat.js";

const now = new Date("2026-11-24T12:00:00.000Z");
let storage: Storage;

beforeAll(async () => {
  storage = await testStorage();
});

/** What a manager or learner does in a card reaches the rollups and the xAPI record at once. */
describe("card actions feed measurement", () => {
  it("keeps the rollups equal to a rebuild and emits an xAPI statement per record", async () => {
    const tenantId = newTenantId();
    const seeded = await seedBotTenant(storage, tenantId, now);
    const bot = testBot(storage, now, {
      outboxFor: (t) => xapiOutbox(storage, { tenantId: t, lrsConfigured: false }),
    });
    const manager = chatAs(bot, { tenantId, objectId: seeded.manager, name: "Maya Manager" });
    await manager.execute("challenge.done", { verb: "challenge.done", deliveryId: seeded.deliveries.challenge.id });
    const ratings: Record<string, string> = {};
    for (const m of seeded.team.members) {
      ratings[inputIds.rating(m.objectId, "open-questions")] = "2";
      ratings[inputIds.rating(m.objectId, "summarises-need")] = "1";
    }
    await manager.execute("checklist.submit", {
      verb: "checklist.submit",
      deliveryId: seeded.deliveries.checklist.id,
      ...ratings,
    });

    const stored = await storage.rollups.range(tenantId, programScope(seeded.program.id), "", "~");
    const rebuilt = await computeRollups(storage, seeded.program);
    expect(stored.length).toBeGreaterThan(0);
    expect(Object.fromEntries(stored.map((r) => [r.rowKey, r.data]))).toEqual(Object.fromEntries(rebuilt));

    const statements = await exportStatements(storage, tenantId, new Date(0), new Date("2100-01-01"));
    const observations = (await storage.observations.latest(tenantId, seeded.team.id, { pageSize: 1000 })).items;
    expect(statements).toHaveLength(1 + observations.length);
    expect(observations.length).toBe(seeded.team.members.length * 2);
  });
});
