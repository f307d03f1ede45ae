import { Router } from "express";
import { cancelPending, deliveryReport, resendFailed } from "../../delivery/index.js";
import type { ApiDeps } from "../api-deps.js";
import { requireNoBody } from "../body.js";
import { param, requireAdmin } from "../guards.js";
import { notFound } from "../http-errors.js";

/**
 * A program's deliveries for its admins: the report (counts by state, failures with reasons, possible
 * duplicates), "resend to failed" and "cancel pending". Always within the caller's own tenant.
 */
export function deliveryRoutes({ storage, now }: ApiDeps): Router {
  const router = Router();

  async function programOf(tenantId: string, programId: string) {
    const found = await storage.programs.get(tenantId, programId);
    if (!found) throw notFound("program");
    return found.value;
  }

  router.get("/programs/:programId/deliveries", async (req, res) => {
    const caller = requireAdmin(res);
    const program = await programOf(caller.tenantId, param(req.params.programId));
    res.json(await deliveryReport(storage, caller.tenantId, program.id));
  });

  router.post("/programs/:programId/deliveries/resend-failed", async (req, res) => {
    const caller = requireAdmin(res);
    requireNoBody(req.body);
    const program = await programOf(caller.tenantId, param(req.params.programId));
    res.json(await resendFailed(storage, caller.tenantId, program.id, now()));
  });

  router.post("/programs/:programId/deliveries/cancel-pending", async (req, res) => {
    const caller = requireAdmin(res);
    requireNoBody(req.body);
    const program = await programOf(caller.tenantId, param(req.params.programId));
    res.json(await cancelPending(storage, caller.tenantId, program.id, now()));
  });

  return router;
}
