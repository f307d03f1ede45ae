import { Router } from "express";
import { type Kpi, parseKpi } from "../../domain/index.js";
import type { ApiDeps } from "../api-deps.js";
import { objectOf, parseBody } from "../body.js";
import { setEtag } from "../etag.js";
import { requireAdmin } from "../guards.js";
import { type ListPage, pageQuery } from "../paging.js";

const listQuery = pageQuery(1000);

import { idFromName } from "./programs.js";

export function kpiRoutes({ storage }: ApiDeps): Router {
  const router = Router();

  /** A page of the tenant's KPIs (?pageSize up to 1,000, then ?continuationToken). */
  router.get("/kpis", async (req, res) => {
    const caller = requireAdmin(res);
    const query = parseBody(listQuery, req.query);
    const page = await storage.kpis.list(caller.tenantId, { ...query, pageSize: query.pageSize ?? 1000 });
    const result: ListPage<Kpi> = {
      items: page.items.map((k) => k.value),
      continuationToken: page.continuationToken ?? null,
    };
    res.json(result);
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
