import express, { Router } from "express";
import { DEFAULT_LIMITS } from "../config.js";
import { checkPathIds } from "../http/index.js";
import type { ApiDeps } from "./api-deps.js";
import { authenticate, type DevTokenIssuer, type TenantOf, type TokenVerifier } from "./auth/index.js";
import { apiErrorHandler } from "./http-errors.js";
import { openApiDocument } from "./openapi.js";
import { assetRoutes } from "./routes/assets.js";
import { cardPreviewRoutes } from "./routes/card-preview.js";
import { deliveryRoutes } from "./routes/deliveries.js";
import { devRoutes } from "./routes/dev.js";
import { directoryRosterRoutes } from "./routes/directory-rosters.js";
import { kpiDataRoutes } from "./routes/kpi-data.js";
import { kpiRoutes } from "./routes/kpis.js";
import { meRoutes } from "./routes/me.js";
import { peopleRoutes } from "./routes/people.js";
import { programRoutes } from "./routes/programs.js";
import { reachRoutes } from "./routes/reach.js";
import { reviewRoutes } from "./routes/reviews.js";
import { teamRoutes } from "./routes/teams.js";
import { tenantRoutes } from "./routes/tenant.js";

export interface ApiOptions extends ApiDeps {
  verify: TokenVerifier;
  /** The caller's tenant row, created on its first signed-in request (TenantOnboarding.ensure). */
  tenantOf: TenantOf;
  /** What the tab asks Entra for inside Teams (public: the manifest carries the same). */
  signIn?: { clientId: string; scope: string };
  /** Only in dev mode: mounts /dev/people and /dev/token for the standalone tab's "sign in as". */
  devIssuer?: DevTokenIssuer;
}

/**
 * The /api/v1 router: the OpenAPI document, the sign-in settings and dev sign-in are public; everything else
 * needs a valid token.
 */
export function createApiRouter(options: ApiOptions): Router {
  const router = Router();
  const limits = options.limits ?? DEFAULT_LIMITS;
  const document = openApiDocument();
  // Before auth and before any storage call: a path that cannot name a row is refused with the rule.
  router.use(checkPathIds());
  router.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  const { signIn } = options;
  if (signIn)
    router.get("/sign-in", (_req, res) => {
      res.json(signIn);
    });
  if (options.devIssuer) router.use("/dev", express.json({ limit: "8kb" }), devRoutes(options.devIssuer));

  router.use(authenticate(options.verify, options.storage, options.tenantOf));
  router.use(express.json({ limit: limits.apiJsonBytes }));
  router.use(meRoutes(options));
  router.use(tenantRoutes(options));
  router.use(teamRoutes(options));
  router.use(directoryRosterRoutes(options));
  router.use(kpiRoutes(options));
  router.use(kpiDataRoutes(options));
  router.use(reviewRoutes(options));
  router.use(programRoutes(options));
  router.use(assetRoutes(options));
  router.use(cardPreviewRoutes(options));
  router.use(deliveryRoutes(options));
  router.use(peopleRoutes(options));
  router.use(reachRoutes(options));
  router.use((_req, res) => {
    res.status(404).json({ error: "not_found", reason: "no such API route" });
  });
  router.use(apiErrorHandler(options.logger, options.retryAfterSeconds ?? 5));
  return router;
}
