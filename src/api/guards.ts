import type { Response } from "express";
import type { Caller } from "./auth/index.js";
import { callerOf } from "./auth/index.js";
import { forbidden } from "./http-errors.js";

export function requireAdmin(res: Response): Caller {
  const caller = callerOf(res);
  if (!caller.isAdmin) throw forbidden("only an admin of this tenant may do this");
  return caller;
}

/** Route parameters are ids; anything else cannot name a row, so it is simply not found. */
export function param(value: string | string[] | undefined): string {
  return typeof value === "string" ? value : "";
}
