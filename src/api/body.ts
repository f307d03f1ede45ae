import type { Request } from "express";
import { z } from "zod";
import { parseWith } from "../domain/index.js";
import { HttpError } from "./http-errors.js";

const objectBody = z.record(z.string(), z.unknown(), "must be a JSON object");

/** The request body as a plain object (400 with the rule otherwise); the domain parser checks the rest. */
export function objectOf(body: unknown): Record<string, unknown> {
  return parseWith(objectBody, body ?? {}, "body");
}

const noBody = z.strictObject({});

/** An action that takes no body refuses one that says something, rather than ignoring it (`{}` is fine). */
export function requireNoBody(body: unknown): void {
  parseWith(noBody, body ?? {}, "body");
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return parseWith(schema, body ?? {}, "body");
}

/**
 * A file upload must say it is CSV (or plain text / bytes, as some browsers send a .csv), sent as is: the
 * file is read as it streams in, so a compressed one would be misread rather than decoded.
 */
export function requireCsv(req: Request): void {
  const type = req.headers["content-type"] ?? "";
  if (!/^(text\/csv|text\/plain|application\/octet-stream)\b/i.test(type))
    throw new HttpError(415, {
      error: "unsupported_media_type",
      issues: [{ field: "Content-Type", rule: "must be text/csv" }],
    });
  const encoding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding !== "identity")
    throw new HttpError(415, {
      error: "unsupported_media_type",
      issues: [{ field: "Content-Encoding", rule: "must be identity: send the file uncompressed" }],
    });
}

const tooLarge = (maxBytes: number) =>
  new HttpError(413, { error: "too_large", issues: [{ field: "(body)", rule: `must be at most ${maxBytes} bytes` }] });

/**
 * The request body as it streams in, refused with 413 past `maxBytes`: at once when Content-Length says so,
 * otherwise as soon as that many bytes have come (nothing more is read).
 */
export async function* limitedBody(req: Request, maxBytes: number): AsyncGenerator<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

/** The whole request body as UTF-8 text, refused with 413 past `maxBytes` (read no further). */
export async function readText(req: Request, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of limitedBody(req, maxBytes)) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
