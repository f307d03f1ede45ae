import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Who and what one inbound request is about, for every log line written while it runs. Filled in as the
 * request learns it: the ids at once, the tenant and caller once authenticated, the bot's activity id
 * once the activity is read. Never a token or anything secret.
 */
export interface RequestContext {
  requestId: string;
  traceId: string;
  tenantId?: string;
  /** The caller's Entra object id (API) or the sender's aadObjectId (bot). */
  callerId?: string;
  activityId?: string;
  activityType?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequestContext<T>(context: RequestContext, run: () => T): T {
  return storage.run(context, run);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Adds what the request has learnt about itself (outside a request, does nothing). */
export function annotateRequest(fields: Partial<Omit<RequestContext, "requestId" | "traceId">>): void {
  const context = storage.getStore();
  if (!context) return;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === "string" && value.length > 0) (context as unknown as Record<string, string>)[key] = value;
  }
}
