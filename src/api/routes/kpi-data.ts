import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Router } from "express";
import { z } from "zod";
import { DEFAULT_LIMITS } from "../../config.js";
import {
  createApiKey,
  dateOrders,
  importKpiCsv,
  listApiKeys,
  revokeApiKey,
  submitKpiValues,
} from "../../measure/index.js";
import { isContinuationToken } from "../../storage/index.js";
import type { ApiDeps } from "../api-deps.js";
import { limitedBody, parseBody, requireCsv } from "../body.js";
import { param, requireAdmin } from "../guards.js";
import { HttpError, notFound } from "../http-errors.js";

export const kpiImportQuery = z.strictObject({
  mode: z.enum(["preview", "commit-valid", "commit"], "must be preview, commit-valid or commit"),
  /** The answer to the import's question about dates, or the order stated up front. */
  dateOrder: z.enum(dateOrders, "must be day-first or month-first").optional(),
  /** The answer to "replace stored values that differ?". */
  replace: z.enum(["true", "false"], "must be true or false").optional(),
});

export const kpiValuesBody = z.strictObject({
  values: z.array(
    z.strictObject({
      teamId: z.string("must be text").nullable().optional(),
      date: z.unknown(),
      value: z.unknown(),
    }),
    "must be a list of {teamId, date, value}",
  ),
});

const valuesQuery = z.strictObject({
  teamId: z.string().optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
  continuationToken: z.string().refine(isContinuationToken, "must be a continuationToken this API gave out").optional(),
});

export const apiKeyBody = z.strictObject({ name: z.string("must be text") });

/** KPI values in by hand or by CSV upload, and the tenant's API keys for BI pipelines (admin only). */
export function kpiDataRoutes({ storage, now, apiKeyPepper, afterKpiWrite, limits = DEFAULT_LIMITS }: ApiDeps): Router {
  const router = Router();

  /** The stored values of a KPI (one team's, with ?teamId), page by page: what an import left behind. */
  router.get("/kpis/:kpiId/values", async (req, res) => {
    const caller = requireAdmin(res);
    const kpiId = param(req.params.kpiId);
    const query = parseBody(valuesQuery, req.query);
    if (!(await storage.kpis.get(caller.tenantId, kpiId))) throw notFound("KPI");
    const { teamId, ...paging } = query;
    const page = teamId
      ? await storage.kpiValues.series(caller.tenantId, kpiId, teamId, paging)
      : await storage.kpiValues.list(caller.tenantId, kpiId, paging);
    res.json({ items: page.items, continuationToken: page.continuationToken ?? null });
  });

  router.post("/kpis/:kpiId/values", async (req, res) => {
    const caller = requireAdmin(res);
    const kpiId = param(req.params.kpiId);
    if (!(await storage.kpis.get(caller.tenantId, kpiId))) throw notFound("KPI");
    const body = parseBody(kpiValuesBody, req.body);
    const result = await submitKpiValues(
      storage,
      caller.tenantId,
      body.values.map((v) => ({ ...v, kpiId })),
      { source: "manual", now: now(), afterWrite: afterKpiWrite },
    );
    if (result.issues.length > 0) {
      res.status(400).json({
        error: "invalid",
        issues: result.issues.map((i) => ({ field: `values.${i.row}.${i.field}`, rule: i.rule })),
      });
      return;
    }
    const { written, replaced, unchanged, duplicates } = result;
    res.status(201).json({ written, replaced, unchanged, duplicates });
  });

  router.post("/kpi-imports", async (req, res) => {
    const caller = requireAdmin(res);
    const query = parseBody(kpiImportQuery, req.query);
    requireCsv(req);
    // The import reads the file more than once (its dates, then its rows) and the request can be read only
    // once, so it is spooled to a temporary file rather than held in memory.
    const file = join(tmpdir(), `kpi-import-${randomUUID()}.csv`);
    try {
      await pipeline(limitedBody(req, limits.kpiCsvBytes), createWriteStream(file));
      const report = await importKpiCsv(storage, caller.tenantId, () => createReadStream(file), {
        mode: query.mode,
        dateOrder: query.dateOrder,
        replace: query.replace === "true",
        now: now(),
        afterWrite: afterKpiWrite,
        maxRows: limits.csvRows,
      });
      if (query.mode !== "preview" && report.question) res.status(400).json({ error: "needs_answer", ...report });
      else if (query.mode === "commit" && (report.invalidRows > 0 || report.rows === 0))
        res.status(400).json({ error: "invalid", ...report });
      else res.json(report);
    } finally {
      await rm(file, { force: true });
    }
  });

  router.get("/api-keys", async (_req, res) => {
    const caller = requireAdmin(res);
    res.json({ items: await listApiKeys(storage, caller.tenantId) });
  });

  router.post("/api-keys", async (req, res) => {
    const caller = requireAdmin(res);
    if (!apiKeyPepper) throw new HttpError(503, { error: "unavailable", reason: "API keys are not configured" });
    const body = parseBody(apiKeyBody, req.body);
    const created = await createApiKey(storage, apiKeyPepper, {
      tenantId: caller.tenantId,
      name: body.name,
      createdBy: caller.objectId,
      now: now(),
    });
    res.status(201).json({ key: created.key, ...created.summary });
  });

  router.delete("/api-keys/:keyId", async (req, res) => {
    const caller = requireAdmin(res);
    const keyId = param(req.params.keyId);
    if (!/^[0-9a-f]{16}$/.test(keyId)) throw notFound("API key");
    res.json(await revokeApiKey(storage, caller.tenantId, keyId, now()));
  });

  return router;
}
