import type { Request, Response } from "express";
import { HttpError } from "./http-errors.js";

export function setEtag(res: Response, etag: string): void {
  res.setHeader("ETag", etag);
}

/** Table Storage's ETags: W/"datetime'2026-11-24T12%3A00%3A00.1234567Z'". Anything else cannot be one we gave out. */
const STORAGE_ETAG = /^W\/"datetime'[0-9A-Za-z%.:+-]{1,64}'"$/;

/**
 * The version an update says it changes, when it says one. `*` ("whatever is there") is refused: an update
 * that may overwrite unseen changes is what the version is there to prevent. A value that cannot be an ETag
 * is a 400.
 */
export function readIfMatch(req: Request): string | undefined {
  const etag = req.headers["if-match"];
  if (etag === undefined || etag === "") return undefined;
  if (etag.trim() === "*")
    throw new HttpError(428, {
      error: "precondition_required",
      issues: [{ field: "If-Match", rule: "must be the ETag you read, not *" }],
    });
  if (!STORAGE_ETAG.test(etag))
    throw new HttpError(400, {
      error: "invalid",
      issues: [{ field: "If-Match", rule: "must be an ETag this API gave out" }],
    });
  return etag;
}

/** Updates must say which version they change, so a stale save is refused rather than silently winning. */
export function requireIfMatch(req: Request): string {
  const etag = readIfMatch(req);
  if (etag === undefined)
    throw new HttpError(428, {
      error: "precondition_required",
      issues: [{ field: "If-Match", rule: "is required: send the ETag you read" }],
    });
  return etag;
}
