import { Router } from "express";
import { assetBehaviourIssues, assetRemovalProblems, parseAsset, ValidationError } from "../../domain/index.js";
import type { ApiDeps } from "../api-deps.js";
import { objectOf } from "../body.js";
import { requireIfMatch, setEtag } from "../etag.js";
import { param, requireAdmin } from "../guards.js";
import { HttpError, notFound } from "../http-errors.js";
import { idFromName } from "./programs.js";

export function assetRoutes({ storage, now }: ApiDeps): Router {
  const router = Router();

  async function programOf(tenantId: string, id: string) {
    const found = await storage.programs.get(tenantId, id);
    if (!found) throw notFound("program");
    return found.value;
  }

  router.get("/programs/:id/assets", async (req, res) => {
    const caller = requireAdmin(res);
    const program = await programOf(caller.tenantId, param(req.params.id));
    const assets = await storage.assets.all(caller.tenantId, program.id);
    res.json({ items: assets });
  });

  /** One asset with its ETag, to edit it. */
  router.get("/programs/:id/assets/:assetId", async (req, res) => {
    const caller = requireAdmin(res);
    const program = await programOf(caller.tenantId, param(req.params.id));
    const found = await storage.assets.get(caller.tenantId, program.id, param(req.params.assetId));
    if (!found) throw notFound("asset");
    setEtag(res, found.etag);
    res.json(found.value);
  });

  router.post("/programs/:id/assets", async (req, res) => {
    const caller = requireAdmin(res);
    const program = await programOf(caller.tenantId, param(req.params.id));
    const body = objectOf(req.body);
    const asset = parseAsset({
      ...body,
      id: body.id ?? idFromName(body.title),
      tenantId: caller.tenantId,
      programId: program.id,
      updatedAt: now().toISOString(),
    });
    const issues = assetBehaviourIssues(program, asset);
    if (issues.length > 0) throw new ValidationError("asset", issues);
    const saved = await storage.assets.save(asset);
    setEtag(res, saved.etag);
    res.status(201).json(saved.value);
  });

  router.put("/programs/:id/assets/:assetId", async (req, res) => {
    const caller = requireAdmin(res);
    const etag = requireIfMatch(req);
    const program = await programOf(caller.tenantId, param(req.params.id));
    const found = await storage.assets.get(caller.tenantId, program.id, param(req.params.assetId));
    if (!found) throw notFound("asset");
    const asset = parseAsset({
      ...objectOf(req.body),
      id: found.value.id,
      tenantId: caller.tenantId,
      programId: program.id,
      updatedAt: now().toISOString(),
    });
    const issues = assetBehaviourIssues(program, asset);
    if (issues.length > 0) throw new ValidationError("asset", issues);
    const saved = await storage.assets.save(asset, etag);
    setEtag(res, saved.etag);
    res.json(saved.value);
  });

  router.delete("/programs/:id/assets/:assetId", async (req, res) => {
    const caller = requireAdmin(res);
    const program = await programOf(caller.tenantId, param(req.params.id));
    const assetId = param(req.params.assetId);
    const found = await storage.assets.get(caller.tenantId, program.id, assetId);
    if (!found) throw notFound("asset");
    const problems = assetRemovalProblems(program, found.value);
    if (problems.length > 0) throw new HttpError(409, { error: "in_use", reason: problems.join("; ") });
    await storage.assets.delete(caller.tenantId, program.id, assetId);
    res.status(204).end();
  });

  return router;
}
