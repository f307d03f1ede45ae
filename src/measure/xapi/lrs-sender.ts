import type { Storage } from "../../storage/index.js";

export interface LrsConfig {
  /** The LRS's xAPI base, e.g. https://lrs.example.com/xapi (statements go to {endpoint}/statements). */
  endpoint: string;
  username: string;
  password: string;
}

export interface SenderOptions {
  fetch?: typeof fetch;
  /** Seconds before a failed statement is tried again, by attempt (1, 2, …). */
  backoffSeconds?: (attempt: number) => number;
  maxAttempts?: number;
  batch?: number;
}

const defaultBackoff = (attempt: number) => Math.min(30 * 2 ** (attempt - 1), 3600);

/**
 * Sends one batch of queued statements to the LRS. 200/204, and 409 (the LRS already has this id), are
 * done; 429, 5xx and network faults come back later (growing delays) until maxAttempts, then the statement
 * is marked failed; any other 4xx is marked rejected at once (sending it again would not help). Safe in
 * N instances: a message is invisible to others while one works on it.
 */
export async function sendQueuedStatements(
  storage: Pick<Storage, "xapiStatements" | "xapiQueue">,
  lrs: LrsConfig,
  options: SenderOptions = {},
): Promise<{ sent: number; retrying: number; failed: number; rejected: number }> {
  const counts = { sent: 0, retrying: 0, failed: 0, rejected: 0 };
  const send = options.fetch ?? fetch;
  const messages = await storage.xapiQueue.receive({ max: options.batch ?? 16, visibilitySeconds: 60 });
  for (const message of messages) {
    const { tenantId, timestamp, statementId } = message.body;
    const stored = await storage.xapiStatements.get(tenantId, timestamp, statementId);
    if (!stored) {
      await storage.xapiQueue.delete(message);
      continue;
    }
    let status = 0;
    let error = "";
    try {
      const response = await send(`${lrs.endpoint.replace(/\/$/, "")}/statements`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-experience-api-version": "1.0.3",
          authorization: `Basic ${Buffer.from(`${lrs.username}:${lrs.password}`).toString("base64")}`,
        },
        body: JSON.stringify([stored.value.statement]),
        signal: AbortSignal.timeout(15_000),
      });
      status = response.status;
      error = response.ok ? "" : `LRS answered ${status}`;
      await response.body?.cancel();
    } catch (cause) {
      error = `LRS not reachable: ${cause instanceof Error ? cause.message : String(cause)}`;
    }
    const done = (status >= 200 && status < 300) || status === 409;
    const retryable = status === 0 || status === 429 || status >= 500;
    const attempts = options.maxAttempts ?? 8;
    let next: "sent" | "failed" | "rejected" | "queued";
    if (done) next = "sent";
    else if (!retryable) next = "rejected";
    else if (message.dequeueCount >= attempts) next = "failed";
    else next = "queued";
    await storage.xapiStatements
      .replace({ ...stored.value, status: next, lastError: done ? null : error }, stored.etag)
      .catch(() => undefined);
    if (next === "queued") {
      await storage.xapiQueue.release(message, (options.backoffSeconds ?? defaultBackoff)(message.dequeueCount));
      counts.retrying++;
    } else {
      await storage.xapiQueue.delete(message);
      if (next === "sent") counts.sent++;
      else counts[next]++;
    }
  }
  return counts;
}

/** Sends until stopped, pausing when the queue is empty. */
export async function runXapiSender(
  storage: Pick<Storage, "xapiStatements" | "xapiQueue">,
  lrs: LrsConfig,
  signal: AbortSignal,
  options: SenderOptions & { idleMs?: number } = {},
): Promise<void> {
  while (!signal.aborted) {
    const counts = await sendQueuedStatements(storage, lrs, options).catch(() => ({
      sent: 0,
      retrying: 0,
      failed: 0,
      rejected: 0,
    }));
    if (counts.sent + counts.retrying + counts.failed + counts.rejected === 0)
      await new Promise((resolve) => setTimeout(resolve, options.idleMs ?? 2000));
  }
}
