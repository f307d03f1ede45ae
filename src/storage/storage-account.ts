import { TableClient, type TableServiceClientOptions } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import {
  type QueueClearMessagesOptions,
  QueueClient,
  type QueueCreateOptions,
  type QueueDeleteMessageOptions,
  type QueueGetPropertiesOptions,
  type QueuePeekMessagesOptions,
  type QueueReceiveMessageOptions,
  type QueueSendMessageOptions,
  type QueueUpdateMessageOptions,
  type StoragePipelineOptions,
} from "@azure/storage-queue";

/** Where the tables and queues are: a connection string (Azurite, keys) or an account with a credential. */
export type StorageTarget =
  | { kind: "connectionString"; connectionString: string }
  | { kind: "account"; accountName: string; credential: TokenCredential };

/** How long one storage call may take and how often it is tried again (config STORAGE_TIMEOUT_MS, STORAGE_RETRIES). */
export interface StorageRequestOptions {
  timeoutMs: number;
  retries: number;
}

/** Generous: for tools and tests on a busy machine. The app passes its configured, shorter limits. */
const PATIENT: StorageRequestOptions = { timeoutMs: 30_000, retries: 3 };

export interface StorageAccount {
  table(name: string): TableClient;
  queue(name: string): QueueClient;
}

export function storageAccount(target: StorageTarget, requests: StorageRequestOptions = PATIENT): StorageAccount {
  const tableOptions = {
    retryOptions: { maxRetries: requests.retries, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
    additionalPolicies: [{ policy: timeoutPolicy(requests.timeoutMs), position: "perRetry" as const }],
  };
  const queueOptions: StoragePipelineOptions = {
    retryOptions: { maxTries: requests.retries + 1, retryDelayInMs: 200, maxRetryDelayInMs: 2_000 },
  };
  if (target.kind === "connectionString") {
    // Azurite speaks plain http on loopback; the SDK refuses that unless told.
    const allowInsecureConnection =
      /(^|;)\s*(DefaultEndpointsProtocol=http|UseDevelopmentStorage=true)\b|=http:\/\//i.test(target.connectionString);
    return {
      table: (name) =>
        TableClient.fromConnectionString(target.connectionString, name, { ...tableOptions, allowInsecureConnection }),
      queue: (name) => new TimedQueueClient(requests.timeoutMs, target.connectionString, name, queueOptions),
    };
  }
  const { accountName, credential } = target;
  return {
    table: (name) => new TableClient(`https://${accountName}.table.core.windows.net`, name, credential, tableOptions),
    queue: (name) =>
      new TimedQueueClient(
        requests.timeoutMs,
        `https://${accountName}.queue.core.windows.net/${name}`,
        credential,
        queueOptions,
      ),
  };
}

/** Every try of a table call is abandoned after `ms`: a storage account that accepts and never answers cannot hang a request. */
type PipelinePolicy = NonNullable<TableServiceClientOptions["additionalPolicies"]>[number]["policy"];

function timeoutPolicy(ms: number): PipelinePolicy {
  return {
    name: "throughlineStorageTimeout",
    sendRequest(request, next) {
      request.timeout = ms;
      return next(request);
    },
  };
}

/**
 * The queue SDK's tryTimeoutInMs is a server-side timeout only; a connection that is accepted and never answered
 * hangs forever. Each call we make gets an abort signal after `timeoutMs` instead.
 */
class TimedQueueClient extends QueueClient {
  private readonly timeoutMs: number;

  /** By connection string and queue name, or by URL and credential, as QueueClient itself. */
  constructor(
    timeoutMs: number,
    connectionOrUrl: string,
    nameOrCredential: string | TokenCredential,
    options: StoragePipelineOptions,
  ) {
    if (typeof nameOrCredential === "string") super(connectionOrUrl, nameOrCredential, options);
    else super(connectionOrUrl, nameOrCredential, options);
    this.timeoutMs = timeoutMs;
  }

  private timed<O extends { abortSignal?: unknown }>(options: O | undefined): O {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const given = options?.abortSignal as AbortSignal | undefined;
    return { ...(options ?? ({} as O)), abortSignal: given ? AbortSignal.any([given, deadline]) : deadline };
  }

  override createIfNotExists(options?: QueueCreateOptions) {
    return super.createIfNotExists(this.timed(options));
  }
  override sendMessage(text: string, options?: QueueSendMessageOptions) {
    return super.sendMessage(text, this.timed(options));
  }
  override receiveMessages(options?: QueueReceiveMessageOptions) {
    return super.receiveMessages(this.timed(options));
  }
  override peekMessages(options?: QueuePeekMessagesOptions) {
    return super.peekMessages(this.timed(options));
  }
  override deleteMessage(messageId: string, popReceipt: string, options?: QueueDeleteMessageOptions) {
    return super.deleteMessage(messageId, popReceipt, this.timed(options));
  }
  override updateMessage(
    messageId: string,
    popReceipt: string,
    message?: string,
    visibilityTimeout?: number,
    options?: QueueUpdateMessageOptions,
  ) {
    return super.updateMessage(messageId, popReceipt, message, visibilityTimeout, this.timed(options));
  }
  override getProperties(options?: QueueGetPropertiesOptions) {
    return super.getProperties(this.timed(options));
  }
  override clearMessages(options?: QueueClearMessagesOptions) {
    return super.clearMessages(this.timed(options));
  }
}
