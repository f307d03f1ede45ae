import { Router } from "express";
import { entraIdSchema, type Tenant } from "../../domain/index.js";
import { changeTenantAdmins } from "../../onboarding/index.js";
import type { ApiDeps } from "../api-deps.js";
import { ADMIN_APP_ROLE } from "../auth/index.js";
import { parseBody } from "../body.js";
import { param, requireAdmin } from "../guards.js";
import { notFound } from "../http-errors.js";

const view = (t: Tenant) => ({
  id: t.id,
  displayName: t.displayName,
  nameFromDirectory: t.nameSource !== "placeholder",
  adminRole: ADMIN_APP_ROLE,
  namedAdmins: t.adminObjectIds,
  createdAt: t.createdAt,
});

/**
 * The caller's tenant as onboarding made it, and its named admins (admin only). Everyone with the Entra app
 * role `Admin` is an admin anyway; naming someone here makes them one without the role.
 */
export function tenantRoutes({ storage }: ApiDeps): Router {
  const router = Router();

  router.get("/tenant", async (_req, res) => {
    const caller = requireAdmin(res);
    const tenant = await storage.tenants.get(caller.tenantId);
    if (!tenant) throw notFound("tenant");
    res.json(view(tenant.value));
  });

  router.put("/tenant/admins/:objectId", async (req, res) => {
    const caller = requireAdmin(res);
    const objectId = parseBody(entraIdSchema, param(req.params.objectId));
    res.json(view((await changeTenantAdmins(storage, caller.tenantId, { add: objectId })).value));
  });

  router.delete("/tenant/admins/:objectId", async (req, res) => {
    const caller = requireAdmin(res);
    const objectId = parseBody(entraIdSchema, param(req.params.objectId));
    res.json(view((await changeTenantAdmins(storage, caller.tenantId, { remove: objectId })).value));
  });

  return router;
}
