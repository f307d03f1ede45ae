import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import type { FieldIssue } from "../domain/index.js";
import type { Logger } from "../logger.js";
import { isStorageUnavailable } from "../storage/index.js";

/** What goes on the wire for an error: always JSON, never a stack or a file path. */
export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export const invalid = (issues: FieldIssue[], status = 400): ErrorAnswer => ({
  status,
  body: { error: "invalid", issues },
});

/**
 * Errors that say the request itself was wrong, as the body reader (body-parser) and the router raise them:
 * http-errors with a 4xx `status`. The Azure SDK's RestError has a `statusCode` of its own (storage said 400
 * to us): that is ours to fix, never the caller's, so it is not read here.
 */
export function requestErrorAnswer(error: unknown): ErrorAnswer | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { status, type, limit, name } = error as { status?: unknown; type?: unknown; limit?: unknown; name?: unknown };
  if (name === "RestError" || typeof status !== "number" || status < 400 || status >= 500) return undefined;
  switch (type) {
    case "entity.parse.failed":
      return invalid([{ field: "(body)", rule: "must be valid JSON" }]);
    case "entity.too.large":
      return {
        status: 413,
        body: {
          error: "too_large",
          issues: [
            { field: "(body)", rule: `must be at most ${typeof limit === "number" ? limit : "the route's"} bytes` },
          ],
        },
      };
    case "encoding.unsupported":
      return invalid([{ field: "Content-Encoding", rule: "must be gzip, deflate, br or identity" }], 415);
    case "charset.unsupported":
      return invalid([{ field: "Content-Type", rule: "the charset must be utf-8" }], 415);
    case "request.aborted":
    case "request.size.invalid":
      return invalid([{ field: "(body)", rule: "must arrive whole, as long as Content-Length says" }]);
  }
  // The router's "Failed to decode param" (a URIError with status 400).
  if (name === "URIError") return invalid([{ field: "(path)", rule: "must be valid percent-encoding" }]);
  // body-parser's inflate errors carry no type, but zlib's errno and code ("Z_DATA_ERROR", "Z_BUF_ERROR").
  const { errno, code } = error as { errno?: unknown; code?: unknown };
  if (status === 400 && typeof errno === "number" && typeof code === "string")
    return invalid([{ field: "(body)", rule: "must be encoded as its Content-Encoding says" }]);
  return invalid([{ field: "(request)", rule: (error as Error).message || "is not acceptable" }], status);
}

/** Storage did not answer (down, unreachable, too slow): 503 and when to try again; nothing was acknowledged. */
export function unavailableAnswer(error: unknown, retryAfterSeconds: number): ErrorAnswer | undefined {
  if (!isStorageUnavailable(error)) return undefined;
  return {
    status: 503,
    body: { error: "unavailable", reason: "storage is not available; nothing was changed, try again shortly" },
    headers: { "Retry-After": String(retryAfterSeconds) },
  };
}

export function sendAnswer(res: Response, answer: ErrorAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.status(answer.status).json(answer.body);
}

/**
 * The app's last word on any error no router answered: the caller's mistake keeps its 4xx (logged at info,
 * so a stream of junk cannot fill the error log), storage faults are 503, anything else is a 500 that
 * names nothing internal. Always JSON, whatever NODE_ENV says.
 */
export function jsonErrorHandler(logger: Pick<Logger, "info" | "warn" | "error">, retryAfterSeconds: number) {
  const handler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const client = requestErrorAnswer(error);
    if (client) {
      logger.info({ path: req.path, status: client.status, reason: (error as Error).message }, "bad request refused");
      return sendAnswer(res, client);
    }
    const unavailable = unavailableAnswer(error, retryAfterSeconds);
    if (unavailable) {
      logger.warn({ err: error, path: req.path }, "storage unavailable");
      return sendAnswer(res, unavailable);
    }
    logger.error({ err: error, path: req.path }, "request failed");
    sendAnswer(res, { status: 500, body: { error: "internal", reason: "something went wrong" } });
  };
  return handler;
}

/** No route: JSON like every other answer, not express's HTML page. */
export const jsonNotFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: "not_found", reason: "no such route" });
};
