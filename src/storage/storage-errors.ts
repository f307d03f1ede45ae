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
