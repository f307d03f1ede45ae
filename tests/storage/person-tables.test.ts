import { randomUUID } from "node:crypto";
import { TableServiceClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import {
  everyTableName,
  PERSON_TABLE_SHARDS,
  personTableName,
  personTableShard,
  storageAccount,
  tableKind,
} from "../../src/storage/index.js";
import { aDelivery, now } from "../support/fixtures.js";
import { newTenantId, testStorage, testStorageTarget } from "../support/storage.js";

async function tablesHolding(table: string, tenantId: string, objectId: string): Promise<string[]> {
  const account = storageAccount(testStorageTarget());
  const found: string[] = [];
  for (let shard = 0; shard < PERSON_TABLE_SHARDS; shard++) {
    const name = personTableName(table, shard);
    const rows = account
      .table(name)
      .listEntities({ queryOptions: { filter: `PartitionKey ge '${tenantId}' and PartitionKey lt '${tenantId}~'` } });
    for await (const row of rows) if (JSON.stringify(row).includes(objectId)) found.push(name);
  }
  return found;
}

describe("rows per person, spread over table shards", () => {
  it("keeps each person's conversation and deliveries in their own shard and reads them back across all", async () => {
    const storage = await testStorage();
    const tenantId = newTenantId();
    const people = Array.from({ length: 40 }, () => randomUUID());
    const slot = new Date("2026-11-24T09:00:00Z");
    for (const objectId of people) {
      await storage.conversations.upsert({
        tenantId,
        objectId,
        conversationId: `a:${objectId}`,
        serviceUrl: "https://smba.example.test/",
        botId: "28:bot",
        reachable: true,
        reachableSince: null,
        unreachableReason: null,
        pausedUntil: null,
        updatedAt: now,
      });
    }
    await storage.deliveries.createMany(
      people.map((p) =>
        aDelivery(tenantId, p, slot, {
          assetId: "nudge-1",
          scheduleEntryId: "e",
          recipientRole: "learner",
          updatedAt: now,
        }),
      ),
    );

    // 40 people over 16 shards: more than one shard is used, and each person's rows are only in theirs.
    expect(new Set(people.map(personTableShard)).size).toBeGreaterThan(1);
    for (const p of people.slice(0, 6)) {
      const shard = personTableShard(p);
      expect(await tablesHolding("conversations", tenantId, p)).toEqual([personTableName("conversations", shard)]);
      expect(await tablesHolding("deliveries", tenantId, p)).toEqual([personTableName("deliveries", shard)]);
      expect((await storage.conversations.get(tenantId, p))?.value.objectId).toBe(p);
    }
    const everyone = [];
    for await (const c of storage.conversations.each(tenantId)) everyone.push(c.objectId);
    expect(everyone.sort()).toEqual([...people].sort());
    const ofProgram = [];
    for await (const d of storage.deliveries.eachOfProgram(tenantId, "prog-1"))
      ofProgram.push(d.value.recipientObjectId);
    expect(ofProgram.sort()).toEqual([...people].sort());
  });

  it("creates every shard at start, and names each shard's kind", async () => {
    await testStorage();
    const service = TableServiceClient.fromConnectionString(testStorageTarget().connectionString, {
      allowInsecureConnection: true,
    });
    const existing = new Set<string>();
    for await (const table of service.listTables()) existing.add(table.name ?? "");
    for (const name of everyTableName()) expect(existing, name).toContain(name);
    expect(everyTableName()).toContain("deliveries15");
    expect(tableKind("deliveries07")).toBe("deliveries");
    expect(tableKind("conversations00")).toBe("conversations");
    expect(tableKind("kpivalues")).toBe("kpivalues");
  });
});
