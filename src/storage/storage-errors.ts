/** Saved with a stale etag: someone else changed the row first. Nothing was overwritten. */
export class ConcurrencyError extends Error {
  constructor(what: string) {
    super(`${what} was changed by someone else; reload and try again`);
    this.name = "ConcurrencyError";
  }
}

/** Created a row that is already there (a replay, or an id reused). Nothing was overwritten. */
export class AlreadyExistsError extends Error {
  constructor(what: string) {
    super(`${what} already exists`);
    this.name = "AlreadyExistsError";
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} was not found`);
    this.name = "NotFoundError";
  }
}

function statusOf(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "statusCode" in error) {
    const code = (error as { statusCode?: unknown }).statusCode;
    return typeof code === "number" ? code : undefined;
  }
  return undefined;
}

/** Turns the SDK's RestError into our errors, so callers never depend on HTTP status codes. */
export function translateStorageError(error: unknown, what: string): unknown {
  switch (statusOf(error)) {
    case 409:
      return new AlreadyExistsError(what);
    case 412:
      return new ConcurrencyError(what);
    case 404:
      return new NotFoundError(what);
    default:
      return error;
  }
}

/** Network failures on the way to storage: the service is down, unreachable or refusing connections. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "REQUEST_SEND_ERROR",
]);

/**
 * Storage did not answer, or answered that it cannot now: down, unreachable, past our timeout
 * (STORAGE_TIMEOUT_MS aborts the call) or busy (5xx). The request failed before anything was acknowledged;
 * the caller may try again later.
 */
export function isStorageUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code, statusCode, cause } = error as {
    name?: unknown;
    code?: unknown;
    statusCode?: unknown;
    cause?: unknown;
  };
  if (name === "AbortError" || name === "TimeoutError") return true;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  if (name === "RestError" && typeof statusCode === "number" && statusCode >= 500) return true;
  return cause !== undefined && cause !== error && isStorageUnavailable(cause);
}
