import { Router } from "express";
import { z } from "zod";
import { DEMO_ADMIN, DEMO_TENANT_ID, demoObjectId, demoTeams } from "../../demo/index.js";
import { ADMIN_APP_ROLE, type DevTokenIssuer } from "../auth/index.js";
import { parseBody } from "../body.js";
import { notFound } from "../http-errors.js";

export interface DemoPerson {
  objectId: string;
  name: string;
  role: "admin" | "manager" | "learner";
  team: string | null;
}

/** Everyone the standalone tab offers to "sign in as": the demo admin, each manager, each member. */
export function demoPeople(): DemoPerson[] {
  return [
    { objectId: DEMO_ADMIN.objectId, name: DEMO_ADMIN.name, role: "admin", team: null },
    ...demoTeams.flatMap((t) => [
      { objectId: demoObjectId(t.manager[0]), name: t.manager[0], role: "manager" as const, team: t.name },
      ...t.members.map(([name]) => ({ objectId: demoObjectId(name), name, role: "learner" as const, team: t.name })),
    ]),
  ];
}

const tokenBody = z.strictObject({ objectId: z.string().min(1, "must not be empty") });

/** Dev mode only (never mounted in production): tokens for the demo people, verified like Entra's. */
export function devRoutes(issuer: DevTokenIssuer): Router {
  const router = Router();
  router.get("/people", (_req, res) => {
    res.json({ tenantId: DEMO_TENANT_ID, items: demoPeople() });
  });
  router.post("/token", async (req, res) => {
    const { objectId } = parseBody(tokenBody, req.body);
    const person = demoPeople().find((p) => p.objectId === objectId.toLowerCase());
    if (!person) throw notFound("demo person");
    // The demo admin holds the Admin app role, as Entra would give it, so a tenant without the demo seed has one.
    const roles = person.role === "admin" ? [ADMIN_APP_ROLE] : undefined;
    const token = await issuer.sign({ tenantId: DEMO_TENANT_ID, objectId: person.objectId, name: person.name, roles });
    res.json({ token, expiresInSeconds: 3600 });
  });
  return router;
}
