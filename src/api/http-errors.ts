import type { ErrorRequestHandler, Response } from "express";
import { DomainRuleError, InvalidTransitionError, TooLargeError, ValidationError } from "../domain/index.js";
import { requestErrorAnswer, sendAnswer, unavailableAnswer } from "../http/index.js";
import type { Logger } from "../logger.js";
import { AlreadyExistsError, ConcurrencyError, NotFoundError } from "../storage/index.js";

/** An HTTP answer a route decides on (403, 404, 428…); thrown so handlers read top to bottom. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.reason ?? body.error));
    this.name = "HttpError";
  }
}

export const notFound = (what: string) => new HttpError(404, { error: "not_found", reason: `${what} was not found` });
export const forbidden = (reason: string) => new HttpError(403, { error: "forbidden", reason });

/**
 * Maps domain and storage errors to status codes; the request's own faults keep their 4xx, storage faults
 * are 503 with Retry-After, and anything else is a 500 that names nothing internal.
 */
export function apiErrorHandler(logger: Logger, retryAfterSeconds: number): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof HttpError) return send(res, error.status, error.body);
    if (error instanceof ValidationError) return send(res, 400, { error: "invalid", issues: error.issues });
    if (error instanceof TooLargeError)
      return send(res, 413, { error: "too_large", issues: [{ field: error.field, rule: error.rule }] });
    if (error instanceof DomainRuleError) return send(res, 422, { error: "not_ready", problems: error.rules });
    if (error instanceof InvalidTransitionError)
      return send(res, 409, { error: "invalid_transition", reason: error.message });
    if (error instanceof ConcurrencyError)
      return send(res, 409, { error: "conflict", reason: "someone else changed it; reload and try again" });
    if (error instanceof AlreadyExistsError) return send(res, 409, { error: "already_exists", reason: error.message });
    if (error instanceof NotFoundError) return send(res, 404, { error: "not_found", reason: error.message });
    const client = requestErrorAnswer(error);
    if (client) {
      logger.info({ path: req.path, status: client.status }, "bad request refused");
      return sendAnswer(res, client);
    }
    const unavailable = unavailableAnswer(error, retryAfterSeconds);
    if (unavailable) {
      logger.warn({ err: error, path: req.path }, "storage unavailable");
      return sendAnswer(res, unavailable);
    }
    logger.error({ err: error, path: req.path }, "api request failed");
    return send(res, 500, { error: "internal", reason: "something went wrong" });
  };
}

function send(res: Response, status: number, body: Record<string, unknown>): void {
  sendAnswer(res, { status, body });
}
