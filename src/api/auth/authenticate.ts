import type { RequestHandler, Response } from "express";
import type { Storage } from "../../storage/index.js";
import { annotateRequest } from "../../telemetry/index.js";
import { type Caller, resolveCaller } from "./caller.js";
import { AuthError, type TokenVerifier } from "./token-verifier.js";

/**
 * Every API call carries the Teams SSO token as a bearer token. A refused token gets 401 before any
 * route reads or writes anything; the verified caller is left in `res.locals.caller`.
 */
export function authenticate(verify: TokenVerifier, storage: Pick<Storage, "tenants" | "teams">): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      refuse(res, "missing bearer token");
      return;
    }
    try {
      const identity = await verify(match[1]);
      annotateRequest({ tenantId: identity.tenantId, callerId: identity.objectId });
      res.locals.caller = await resolveCaller(storage, identity);
      next();
    } catch (error) {
      if (error instanceof AuthError) refuse(res, error.reason);
      else next(error);
    }
  };
}

function refuse(res: Response, reason: string): void {
  res.setHeader("WWW-Authenticate", `Bearer error="invalid_token", error_description="${reason}"`);
  res.status(401).json({ error: "unauthorized", reason });
}

export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error("route mounted without authenticate()");
  return caller;
}
