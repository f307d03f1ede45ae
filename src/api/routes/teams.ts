import { Router } from "express";
import { managerView } from "../../dashboard/index.js";
import type { Team } from "../../domain/index.js";
import type { ApiDeps } from "../api-deps.js";
import { callerOf, canSeeTeam } from "../auth/index.js";
import { param } from "../guards.js";
import { forbidden, notFound } from "../http-errors.js";

const summary = (t: Team) => ({
  id: t.id,
  name: t.name,
  manager: { objectId: t.manager.objectId, displayName: t.manager.displayName },
  members: t.members.length,
});

export function teamRoutes({ storage, now }: ApiDeps): Router {
  const router = Router();

  /** Admins see every team of their tenant; anyone else the teams they manage or belong to. */
  router.get("/teams", async (_req, res) => {
    const caller = callerOf(res);
    const teams: Team[] = [];
    if (caller.isAdmin) {
      let continuationToken: string | undefined;
      do {
        const page = await storage.teams.list(caller.tenantId, { continuationToken });
        teams.push(...page.items.map((t) => t.value));
        continuationToken = page.continuationToken;
      } while (continuationToken && teams.length < 2_000);
    } else {
      const ids = [...caller.managedTeamIds, ...caller.memberTeamIds];
      const found = await Promise.all(ids.map((id) => storage.teams.get(caller.tenantId, id)));
      teams.push(...found.flatMap((t) => (t ? [t.value] : [])));
    }
    res.json({ items: teams.map(summary) });
  });

  router.get("/teams/:teamId/dashboard", async (req, res) => {
    const caller = callerOf(res);
    const teamId = param(req.params.teamId);
    // Checked before reading, so a non-manager learns nothing about the team, not even that it exists.
    if (!canSeeTeam(caller, teamId)) throw forbidden("only the team's manager or an admin may see this team");
    const team = await storage.teams.get(caller.tenantId, teamId);
    if (!team) throw notFound("team");
    res.json(await managerView(storage, team.value, now()));
  });

  return router;
}
