import { DefaultAzureCredential } from "@azure/identity";
import type { Config } from "../../config.js";
import { startAzurite } from "../../dev/azurite.js";
import { openStorage, type Storage, type StorageTarget, storageAccount } from "../../storage/index.js";

/**
 * The configured storage for a command-line tool. With nothing configured it starts an embedded Azurite
 * on the same data folder `npm start` uses — only safe when `npm start` is not running; otherwise pass
 * STORAGE_CONNECTION_STRING with the endpoints `npm start` prints.
 */
export async function openConfiguredStorage(config: Config): Promise<{ storage: Storage; close(): Promise<void> }> {
  let target: StorageTarget;
  let close = async () => {};
  switch (config.storage.kind) {
    case "embedded": {
      const azurite = await startAzurite({
        location: config.storage.persistence === "disk" ? config.storage.location : undefined,
      });
      target = { kind: "connectionString", connectionString: azurite.connectionString };
      close = () => azurite.stop();
      break;
    }
    case "connectionString":
      target = { kind: "connectionString", connectionString: config.storage.connectionString };
      break;
    case "account":
      target = { kind: "account", accountName: config.storage.accountName, credential: new DefaultAzureCredential() };
      break;
  }
  const storage = openStorage(storageAccount(target));
  await storage.ensure();
  return { storage, close };
}
