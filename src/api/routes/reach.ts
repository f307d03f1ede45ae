import { Router } from "express";
import { reachReport } from "../../reach/index.js";
import type { ApiDeps } from "../api-deps.js";
import { param, requireAdmin } from "../guards.js";
import { notFound } from "../http-errors.js";

/** Whether each participant of a program can be reached in Teams, and why not (admins). */
export function reachRoutes({ storage, now, directory }: ApiDeps): Router {
  const router = Router();
  router.get("/programs/:programId/reach", async (req, res) => {
    const caller = requireAdmin(res);
    const programId = param(req.params.programId);
    if (!(await storage.programs.get(caller.tenantId, programId))) throw notFound("program");
    res.json(
      await reachReport(storage, caller.tenantId, programId, { now: now(), graphConfigured: Boolean(directory) }),
    );
  });
  return router;
}
