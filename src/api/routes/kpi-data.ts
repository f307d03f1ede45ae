import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Router } from "express";
import { z } from "zod";
import { DEFAULT_LIMITS } from "../../config.js";
import { createApiKey, importKpiCsv, listApiKeys, revokeApiKey, submitKpiValues } from "../../measure/index.js";
import type { ApiDeps } from "../api-deps.js";
import { limitedBody, parseBody, requireCsv } from "../body.js";
import { param, requireAdmin } from "../guards.js";
import { HttpError, notFound } from "../http-errors.js";

const importQuery = z.object({
  mode: z.enum(["preview", "commit-valid", "commit"], "must be preview, commit-valid or commit"),
  dayFirst: z.enum(["true", "false"], "must be true or false").optional(),
});

const valuesBody = z.object({
  values: z.array(
    z.object({
      teamId: z.string().optional(),
      date: z.unknown(),
      value: z.unknown(),
    }),
    "must be a list of {teamId, date, value}",
  ),
});

const keyBody = z.object({ name: z.string("must be text") });

/** KPI values in by hand or by CSV upload, and the tenant's API keys for BI pipelines (admin only). */
export function kpiDataRoutes({ storage, now, apiKeyPepper, afterKpiWrite, limits = DEFAULT_LIMITS }: ApiDeps): Router {
  const router = Router();

  router.post("/kpis/:kpiId/values", async (req, res) => {
    const caller = requireAdmin(res);
    const kpiId = param(req.params.kpiId);
    if (!(await storage.kpis.get(caller.tenantId, kpiId))) throw notFound("KPI");
    const body = parseBody(valuesBody, req.body);
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
    res.status(201).json({ written: result.written });
  });

  router.post("/kpi-imports", async (req, res) => {
    const caller = requireAdmin(res);
    const query = parseBody(importQuery, req.query);
    requireCsv(req);
    const options = {
      mode: query.mode,
      dateOrder: query.dayFirst === "true" ? ("day-first" as const) : ("iso" as const),
      now: now(),
      afterWrite: afterKpiWrite,
      maxRows: limits.csvRows,
    };
    const body = () => limitedBody(req, limits.kpiCsvBytes);
    if (query.mode === "preview") {
      // One pass: the rows stream from the request straight through the checks.
      const report = await importKpiCsv(storage, caller.tenantId, body, options);
      res.json(report);
      return;
    }
    // A commit reads the file twice (check all, then write); the request can only be read once, so it is
    // spooled to a temporary file rather than held in memory.
    const file = join(tmpdir(), `kpi-import-${randomUUID()}.csv`);
    try {
      await pipeline(body(), createWriteStream(file));
      const report = await importKpiCsv(storage, caller.tenantId, () => createReadStream(file), options);
      if (report.written > 0 || query.mode === "commit-valid") res.json(report);
      else res.status(400).json({ error: "invalid", ...report });
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
    const body = parseBody(keyBody, req.body);
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
