import { randomUUID } from "node:crypto";
import { QueueClient } from "@azure/storage-queue";
import { describe } from "vitest";
import { ShardedQueue, storageAccount, WorkQueue } from "../../src/storage/index.js";
import { testStorageTarget } from "../support/storage.js";
import { type Body, messageQueueContract } from "./message-queue-contract.js";

describe("MessageQueue contract: WorkQueue (one Azure queue)", () => {
  messageQueueContract(async () => {
    const queue = new WorkQueue<Body>(
      new QueueClient(testStorageTarget().connectionString, `contract-${randomUUID().slice(0, 8)}`),
    );
    await queue.ensure();
    return queue;
  });
});

describe("MessageQueue contract: ShardedQueue (three Azure queues)", () => {
  messageQueueContract(async () => {
    const name = `contract-${randomUUID().slice(0, 8)}`;
    const queue = ShardedQueue.open<Body>(storageAccount(testStorageTarget()), name, 3, (b) => b.id);
    await queue.ensure();
    return queue;
  });
});
