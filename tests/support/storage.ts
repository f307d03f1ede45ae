import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { openDeliveryQueue, openStorage, type Storage, storageAccount } from "../../src/storage/index.js";

let shared: Promise<Storage> | undefined;

/** The app's real storage over the test run's Azurite, tables and queues created. */
export function testStorage(): Promise<Storage> {
  shared ??= (async () => {
    const storage = openStorage(storageAccount(testStorageTarget()));
    await storage.ensure();
    return storage;
  })();
  return shared;
}

export function testStorageTarget() {
  return { kind: "connectionString" as const, connectionString: inject("storageConnectionString") };
}

/** A fresh tenant per test keeps tests independent on one shared Azurite. */
export function newTenantId(): string {
  return randomUUID();
}

export const iso = (s: string) => new Date(s).toISOString();

/** Shards of the tests' delivery queues: more than one, so every delivery test runs over sharding. */
export const TEST_QUEUE_SHARDS = 3;

/** The app's storage with a delivery queue of the test's own, so what is on it is the test's alone. */
export async function storageWithOwnQueue(): Promise<Storage> {
  const storage = await testStorage();
  const queue = openDeliveryQueue(
    storageAccount(testStorageTarget()),
    `deliveries-${randomUUID().slice(0, 8)}`,
    TEST_QUEUE_SHARDS,
  );
  await queue.ensure();
  return { ...storage, deliveryQueue: queue };
}
