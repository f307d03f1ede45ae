import express, { Router } from "express";
import { DEFAULT_LIMITS } from "../config.js";
import { checkPathIds } from "../http/index.js";
import type { ApiDeps } from "./api-deps.js";
import { authenticate, type DevTokenIssuer, type TokenVerifier } from "./auth/index.js";
import { apiErrorHandler } from "./http-errors.js";
import { openApiDocument } from "./openapi.js";
import { assetRoutes } from "./routes/assets.js";
import { deliveryRoutes } from "./routes/deliveries.js";
import { devRoutes } from "./routes/dev.js";
import { kpiDataRoutes } from "./routes/kpi-data.js";
import { kpiRoutes } from "./routes/kpis.js";
import { meRoutes } from "./routes/me.js";
import { peopleRoutes } from "./routes/people.js";
import { programRoutes } from "./routes/programs.js";
import { reviewRoutes } from "./routes/reviews.js";
import { teamRoutes } from "./routes/teams.js";

export interface ApiOptions extends ApiDeps {
  verify: TokenVerifier;
  /** Only in dev mode: mounts /dev/people and /dev/token for the standalone tab's "sign in as". */
  devIssuer?: DevTokenIssuer;
}

/** The /api/v1 router: the OpenAPI document and dev sign-in are public; everything else needs a valid token. */
export function createApiRouter(options: ApiOptions): Router {
  const router = Router();
  const limits = options.limits ?? DEFAULT_LIMITS;
  const document = openApiDocument();
  // Before auth and before any storage call: a path that cannot name a row is refused with the rule.
  router.use(checkPathIds());
  router.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  if (options.devIssuer) router.use("/dev", express.json({ limit: "8kb" }), devRoutes(options.devIssuer));

  router.use(authenticate(options.verify, options.storage));
  router.use(express.json({ limit: limits.apiJsonBytes }));
  router.use(meRoutes(options));
  router.use(teamRoutes(options));
  router.use(kpiRoutes(options));
  router.use(kpiDataRoutes(options));
  router.use(reviewRoutes(options));
  router.use(programRoutes(options));
  router.use(assetRoutes(options));
  router.use(deliveryRoutes(options));
  router.use(peopleRoutes(options));
  router.use((_req, res) => {
    res.status(404).json({ error: "not_found", reason: "no such API route" });
  });
  router.use(apiErrorHandler(options.logger, options.retryAfterSeconds ?? 5));
  return router;
}
