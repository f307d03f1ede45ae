import express, { type Router } from "express";
import { z } from "zod";
import { issuesOf, plainRule } from "../../domain/index.js";
import { requestErrorAnswer, sendAnswer } from "../../http/index.js";
import type { Storage } from "../../storage/index.js";
import { annotateRequest } from "../../telemetry/index.js";
import { authenticateApiKey } from "../api-keys/index.js";
import { type AfterKpiWrite, submitKpiValues } from "../kpi-import/index.js";

export interface KpiValuesRouterDeps {
  storage: Pick<Storage, "apiKeys" | "kpis" | "teams" | "kpiValues">;
  apiKeyPepper: string;
  afterWrite?: AfterKpiWrite;
  /**
   * Whether the key's tenant may still use the app (ALLOWED_TENANT_IDS, or registered in storage): a key
   * stops working the moment its tenant does. Without it, every tenant with a key is allowed.
   */
  isTenantAllowed?: (tenantId: string) => Promise<boolean>;
  /** Largest JSON body (MAX_BI_BODY_BYTES); larger is 413. */
  maxBodyBytes?: number;
  /** The clock that decides "today" for values dated in the future. */
  now?: () => Date;
}

/** Strict: a field the API does not know is a 400 naming it, never dropped. */
export const biValuesBody = z.strictObject({
  values: z.array(
    z.strictObject({ kpiId: z.unknown(), teamId: z.unknown(), date: z.unknown(), value: z.unknown() }),
    "must be a list of {kpiId, teamId, date, value}",
  ),
});

/**
 * `POST /kpi-values` for BI pipelines, authenticated by `Authorization: ApiKey tl_…`. The tenant comes
 * only from the key. The body is `{ "values": [{ kpiId, teamId, date, value }] }` and nothing else (400 names
 * an unknown field); every value is checked first and nothing is written unless all are valid (422 lists
 * each problem). Mount under /api/v1.
 */
export function createKpiValuesRouter(deps: KpiValuesRouterDeps): Router {
  const router = express.Router();
  router.post("/kpi-values", express.json({ limit: deps.maxBodyBytes ?? 2 * 1024 * 1024 }), async (req, res, next) => {
    try {
      const header = req.get("authorization") ?? "";
      const match = /^ApiKey\s+(\S+)$/i.exec(header);
      const caller = match?.[1] ? await authenticateApiKey(deps.storage, deps.apiKeyPepper, match[1]) : undefined;
      if (!caller || (deps.isTenantAllowed && !(await deps.isTenantAllowed(caller.tenantId)))) {
        res.status(401).set("WWW-Authenticate", "ApiKey").json({ error: "a valid, unrevoked API key is required" });
        return;
      }
      annotateRequest({ tenantId: caller.tenantId, callerId: `api-key:${caller.keyId}` });
      const body = biValuesBody.safeParse(req.body ?? {}, { error: plainRule });
      if (!body.success) {
        res.status(400).json({ error: "invalid", issues: issuesOf(body.error) });
        return;
      }
      const result = await submitKpiValues(deps.storage, caller.tenantId, body.data.values, {
        source: "api",
        now: deps.now?.(),
        afterWrite: deps.afterWrite,
      });
      if (result.issues.length > 0) {
        res.status(422).json({ error: "nothing was written: some values are invalid", issues: result.issues });
        return;
      }
      const { written, replaced, unchanged, duplicates } = result;
      res.json({ written, replaced, unchanged, duplicates });
    } catch (error) {
      next(error);
    }
  });
  // A body the reader refuses (not JSON, too large, badly encoded) is the client's mistake, not a server error.
  router.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    const client = requestErrorAnswer(error);
    if (client) sendAnswer(res, client);
    else next(error);
  });
  return router;
}
