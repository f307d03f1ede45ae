import { Router } from "express";
import { parseKpi } from "../../domain/index.js";
import type { ApiDeps } from "../api-deps.js";
import { objectOf } from "../body.js";
import { setEtag } from "../etag.js";
import { requireAdmin } from "../guards.js";
import { idFromName } from "./programs.js";

export function kpiRoutes({ storage }: ApiDeps): Router {
  const router = Router();

  router.get("/kpis", async (_req, res) => {
    const caller = requireAdmin(res);
    const items = [];
    let continuationToken: string | undefined;
    do {
      const page = await storage.kpis.list(caller.tenantId, { continuationToken });
      items.push(...page.items.map((k) => k.value));
      continuationToken = page.continuationToken;
    } while (continuationToken && items.length < 1_000);
    res.json({ items });
  });

  router.post("/kpis", async (req, res) => {
    const caller = requireAdmin(res);
    const body = objectOf(req.body);
    const kpi = parseKpi({
      source: "manual",
      ...body,
      id: body.id ?? idFromName(body.name),
      tenantId: caller.tenantId,
    });
    const saved = await storage.kpis.save(kpi);
    setEtag(res, saved.etag);
    res.status(201).json(saved.value);
  });

  return router;
}
