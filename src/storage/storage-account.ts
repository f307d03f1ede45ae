import { TableClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { QueueClient } from "@azure/storage-queue";

/** Where the tables and queues are: a connection string (Azurite, keys) or an account with a credential. */
export type StorageTarget =
  | { kind: "connectionString"; connectionString: string }
  | { kind: "account"; accountName: string; credential: TokenCredential };

export interface StorageAccount {
  table(name: string): TableClient;
  queue(name: string): QueueClient;
}

export function storageAccount(target: StorageTarget): StorageAccount {
  if (target.kind === "connectionString") {
    // Azurite speaks plain http on loopback; the SDK refuses that unless told.
    const allowInsecureConnection =
      /(^|;)\s*(DefaultEndpointsProtocol=http|UseDevelopmentStorage=true)\b|=http:\/\//i.test(target.connectionString);
    return {
      table: (name) => TableClient.fromConnectionString(target.connectionString, name, { allowInsecureConnection }),
      queue: (name) => new QueueClient(target.connectionString, name),
    };
  }
  const { accountName, credential } = target;
  return {
    table: (name) => new TableClient(`https://${accountName}.table.core.windows.net`, name, credential),
    queue: (name) => new QueueClient(`https://${accountName}.queue.core.windows.net/${name}`, credential),
  };
}
