import type { Request, Response } from "express";
import { HttpError } from "./http-errors.js";

export function setEtag(res: Response, etag: string): void {
  res.setHeader("ETag", etag);
}

/** Updates must say which version they change, so a stale save is refused rather than silently winning. */
export function requireIfMatch(req: Request): string {
  const etag = req.headers["if-match"];
  if (typeof etag !== "string" || etag.length === 0)
    throw new HttpError(428, { error: "precondition_required", reason: "send If-Match with the ETag you read" });
  return etag;
}
