import { z } from "zod";
import { parseWith } from "../domain/index.js";

const objectBody = z.record(z.string(), z.unknown(), "must be a JSON object");

/** The request body as a plain object (400 with the rule otherwise); the domain parser checks the rest. */
export function objectOf(body: unknown): Record<string, unknown> {
  return parseWith(objectBody, body ?? {}, "body");
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  return parseWith(schema, body ?? {}, "body");
}
