import express, { type Router } from "express";
import type { Storage } from "../../storage/index.js";
import { annotateRequest } from "../../telemetry/index.js";
import { authenticateApiKey } from "../api-keys/index.js";
import { type AfterKpiWrite, submitKpiValues } from "../kpi-import/index.js";

export interface KpiValuesRouterDeps {
  storage: Pick<Storage, "apiKeys" | "kpis" | "teams" | "kpiValues">;
  apiKeyPepper: string;
  afterWrite?: AfterKpiWrite;
}

/**
 * `POST /kpi-values` for BI pipelines, authenticated by `Authorization: ApiKey tl_…`. The tenant comes
 * only from the key. The body is `{ "values": [{ kpiId, teamId, date, value }] }`; every value is checked
 * first and nothing is written unless all are valid (422 lists each problem). Mount under /api/v1.
 */
export function createKpiValuesRouter(deps: KpiValuesRouterDeps): Router {
  const router = express.Router();
  router.post("/kpi-values", express.json({ limit: "2mb" }), async (req, res, next) => {
    try {
      const header = req.get("authorization") ?? "";
      const match = /^ApiKey\s+(\S+)$/i.exec(header);
      const caller = match?.[1] ? await authenticateApiKey(deps.storage, deps.apiKeyPepper, match[1]) : undefined;
      if (!caller) {
        res.status(401).set("WWW-Authenticate", "ApiKey").json({ error: "a valid, unrevoked API key is required" });
        return;
      }
      annotateRequest({ tenantId: caller.tenantId, callerId: `api-key:${caller.keyId}` });
      const values = (req.body as { values?: unknown } | undefined)?.values;
      if (!Array.isArray(values)) {
        res.status(400).json({ error: 'the body must be { "values": [{ kpiId, teamId, date, value }] }' });
        return;
      }
      const result = await submitKpiValues(deps.storage, caller.tenantId, values, {
        source: "api",
        afterWrite: deps.afterWrite,
      });
      if (result.issues.length > 0) {
        res.status(422).json({ error: "nothing was written: some values are invalid", issues: result.issues });
        return;
      }
      res.json({ written: result.written });
    } catch (error) {
      next(error);
    }
  });
  // A malformed JSON body is the client's mistake, not a server error.
  router.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if ((error as { type?: string }).type === "entity.parse.failed") {
      res.status(400).json({ error: "the body is not valid JSON" });
      return;
    }
    next(error);
  });
  return router;
}
