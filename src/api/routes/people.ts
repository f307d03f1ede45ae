import { Router } from "express";
import { z } from "zod";
import { entraIdSchema, isoDateSchema } from "../../domain/index.js";
import { erasePersonOnRequest, exportPersonOnRequest, exportStatementsOnRequest } from "../../measure/index.js";
import { isContinuationToken } from "../../storage/index.js";
import type { ApiDeps } from "../api-deps.js";
import { parseBody } from "../body.js";
import { param, requireAdmin } from "../guards.js";
import { HttpError } from "../http-errors.js";

const personParams = z.strictObject({ objectId: entraIdSchema });

const instant = z.union(
  [isoDateSchema, z.iso.datetime({ offset: true })],
  "must be a date (YYYY-MM-DD) or an ISO 8601 date-time",
);
const token = z.string().refine(isContinuationToken, "must be a continuationToken this API gave out");

const statementsQuery = z
  .strictObject({
    from: instant,
    to: instant,
    pageSize: z.coerce.number().int().min(1).max(1000).optional(),
    continuationToken: token.optional(),
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "must be after from" });

const auditQuery = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
  continuationToken: token.optional(),
});

/**
 * Personal data on request (admin only, within the caller's tenant): everything held about one person as
 * JSON, its erasure, and the xAPI statements of a date range. Every request leaves an audit entry of who
 * asked and when (GET /audit).
 */
export function peopleRoutes({ storage, now, apiKeyPepper }: ApiDeps): Router {
  const router = Router();

  const requesterOf = (tenantId: string, objectId: string) => {
    if (!apiKeyPepper) throw new HttpError(503, { error: "unavailable", reason: "API_KEY_PEPPER is not configured" });
    return { tenantId, requestedBy: objectId, now: now(), pepper: apiKeyPepper };
  };

  router.get("/people/:objectId/data", async (req, res) => {
    const caller = requireAdmin(res);
    const { objectId } = parseBody(personParams, { objectId: param(req.params.objectId) });
    const exported = await exportPersonOnRequest(storage, requesterOf(caller.tenantId, caller.objectId), objectId);
    res.setHeader("Content-Disposition", `attachment; filename="person-${objectId}.json"`);
    res.json(exported);
  });

  router.delete("/people/:objectId/data", async (req, res) => {
    const caller = requireAdmin(res);
    const { objectId } = parseBody(personParams, { objectId: param(req.params.objectId) });
    res.json(await erasePersonOnRequest(storage, requesterOf(caller.tenantId, caller.objectId), objectId));
  });

  router.get("/xapi-statements", async (req, res) => {
    const caller = requireAdmin(res);
    const query = parseBody(statementsQuery, req.query);
    const page = await exportStatementsOnRequest(storage, requesterOf(caller.tenantId, caller.objectId), {
      from: new Date(query.from),
      to: new Date(query.to),
      pageSize: query.pageSize,
      continuationToken: query.continuationToken,
    });
    res.json(page);
  });

  router.get("/audit", async (req, res) => {
    const caller = requireAdmin(res);
    const query = parseBody(auditQuery, req.query);
    const page = await storage.audit.list(caller.tenantId, query);
    res.json({ items: page.items, continuationToken: page.continuationToken ?? null });
  });

  return router;
}
