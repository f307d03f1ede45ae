import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { openStorage, type Storage, storageAccount } from "../../src/storage/index.js";

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
