import { randomUUID } from "node:crypto";
import { Router } from "express";
import { z } from "zod";
import { programTeamFigures, programView } from "../../dashboard/index.js";
import {
  type Program,
  parseProgram,
  programStatuses,
  removalProblems,
  transitionProgram,
  ValidationError,
} from "../../domain/index.js";
import { ConcurrencyError, isContinuationToken, type Storage } from "../../storage/index.js";
import type { ApiDeps } from "../api-deps.js";
import { objectOf, parseBody } from "../body.js";
import { readIfMatch, requireIfMatch, setEtag } from "../etag.js";
import { param, requireAdmin } from "../guards.js";
import { HttpError, notFound } from "../http-errors.js";
import type { ListPage } from "../paging.js";

const listQuery = z.object({
  status: z.enum(programStatuses, "must be draft, active, paused or completed").optional(),
  pageSize: z.coerce.number().int().min(1).max(100).optional(),
  continuationToken: z.string().refine(isContinuationToken, "must be a continuationToken this API gave out").optional(),
});

export const transitionBody = z.strictObject({
  to: z.enum(["active", "paused", "completed"], "must be active, paused or completed"),
});

export const cloneBody = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  id: z.string().optional(),
});

/** A readable, unique id from a name: "Discovery that wins" → "discovery-that-wins-3f9a1c". */
export function idFromName(name: unknown): string {
  const slug = String(name ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  return `${slug || "item"}-${randomUUID().slice(0, 6)}`;
}

/**
 * The program may only name KPIs and teams of the caller's own tenant, and its outcome is a KPI with a
 * target: a leading metric may be a bare indicator, the result the program answers for may not.
 */
export async function referenceProblems(storage: Storage, program: Program): Promise<void> {
  const issues: { field: string; rule: string }[] = [];
  const kpiIds = [
    ["outcomeKpiId", program.outcomeKpiId] as const,
    ...program.leadingKpiIds.map((id, i) => [`leadingKpiIds.${i}`, id] as const),
  ];
  const [kpis, teams] = await Promise.all([
    Promise.all(kpiIds.map(([, id]) => (id ? storage.kpis.get(program.tenantId, id) : Promise.resolve(true)))),
    Promise.all(program.teams.map((t) => storage.teams.get(program.tenantId, t.teamId))),
  ]);
  kpis.forEach((found, i) => {
    const field = kpiIds[i]?.[0] ?? "";
    if (!found) issues.push({ field, rule: "must be a KPI of this tenant" });
    else if (field === "outcomeKpiId" && typeof found === "object" && found.value.target === null)
      issues.push({
        field,
        rule: `must be a KPI with a target (${found.value.name} has none: make it a leading metric, or give the outcome a target)`,
      });
  });
  teams.forEach((found, i) => {
    if (!found) issues.push({ field: `teams.${i}.teamId`, rule: "must be a team of this tenant" });
  });
  if (issues.length) throw new ValidationError("program", issues);
}

export function programRoutes({ storage, now, minGroupSize }: ApiDeps): Router {
  const router = Router();

  router.get("/programs", async (req, res) => {
    const caller = requireAdmin(res);
    const query = parseBody(listQuery, req.query);
    const page = await storage.programs.list(caller.tenantId, query);
    const result: ListPage<Program> = {
      items: page.items.map((p) => p.value),
      continuationToken: page.continuationToken ?? null,
    };
    res.json(result);
  });

  router.post("/programs", async (req, res) => {
    const caller = requireAdmin(res);
    const body = objectOf(req.body);
    const at = now().toISOString();
    const program = parseProgram({
      ...body,
      owners: Array.isArray(body.owners) && body.owners.length > 0 ? body.owners : [caller.objectId],
      id: body.id ?? idFromName(body.name),
      tenantId: caller.tenantId,
      status: "draft",
      activeSince: null,
      createdAt: at,
      updatedAt: at,
    });
    await referenceProblems(storage, program);
    const saved = await storage.programs.save(program);
    setEtag(res, saved.etag);
    res.status(201).json(saved.value);
  });

  router.get("/programs/:id", async (req, res) => {
    const caller = requireAdmin(res);
    const found = await storage.programs.get(caller.tenantId, param(req.params.id));
    if (!found) throw notFound("program");
    setEtag(res, found.etag);
    res.json(found.value);
  });

  router.put("/programs/:id", async (req, res) => {
    const caller = requireAdmin(res);
    const etag = requireIfMatch(req);
    const body = objectOf(req.body);
    const found = await storage.programs.get(caller.tenantId, param(req.params.id));
    if (!found) throw notFound("program");
    const program = parseProgram({
      ...found.value,
      ...body,
      id: found.value.id,
      tenantId: found.value.tenantId,
      status: found.value.status,
      activeSince: found.value.activeSince,
      createdAt: found.value.createdAt,
      updatedAt: now().toISOString(),
    });
    const removed = removalProblems(found.value, program);
    if (removed.length > 0) throw new HttpError(409, { error: "in_use", reason: removed.join("; ") });
    await referenceProblems(storage, program);
    const saved = await storage.programs.save(program, etag);
    setEtag(res, saved.etag);
    res.json(saved.value);
  });

  router.post("/programs/:id/transition", async (req, res) => {
    const caller = requireAdmin(res);
    const { to } = parseBody(transitionBody, req.body);
    const found = await storage.programs.get(caller.tenantId, param(req.params.id));
    if (!found) throw notFound("program");
    // An If-Match is optional here; when given, a stale one is a conflict before anything else is judged.
    const ifMatch = readIfMatch(req);
    if (ifMatch && ifMatch !== found.etag) throw new ConcurrencyError("program");
    const assets = await storage.assets.all(caller.tenantId, found.value.id);
    const next = transitionProgram(found.value, to, assets, now());
    const saved = await storage.programs.save(next, found.etag);
    setEtag(res, saved.etag);
    res.json(saved.value);
  });

  router.post("/programs/:id/clone", async (req, res) => {
    const caller = requireAdmin(res);
    const body = parseBody(cloneBody, req.body);
    const found = await storage.programs.get(caller.tenantId, param(req.params.id));
    if (!found) throw notFound("program");
    const at = now().toISOString();
    const copy = parseProgram({
      ...found.value,
      id: body.id ?? idFromName(body.name),
      name: body.name,
      status: "draft",
      activeSince: null,
      owners: [caller.objectId],
      createdAt: at,
      updatedAt: at,
    });
    const assets = await storage.assets.all(caller.tenantId, found.value.id);
    const saved = await storage.programs.save(copy);
    for (const asset of assets) await storage.assets.save({ ...asset, programId: copy.id, updatedAt: at });
    setEtag(res, saved.etag);
    res.status(201).json(saved.value);
  });

  router.get("/programs/:id/view", async (req, res) => {
    const caller = requireAdmin(res);
    const found = await storage.programs.get(caller.tenantId, param(req.params.id));
    if (!found) throw notFound("program");
    res.json(await programView(storage, found.value, now(), { minimum: minGroupSize }));
  });

  router.get("/programs/:id/teams/:teamId", async (req, res) => {
    const caller = requireAdmin(res);
    const found = await storage.programs.get(caller.tenantId, param(req.params.id));
    if (!found) throw notFound("program");
    const figures = await programTeamFigures(storage, found.value, param(req.params.teamId), now(), {
      minimum: minGroupSize,
    });
    if (!figures) throw notFound("team in this program");
    res.json(figures);
  });

  return router;
}
