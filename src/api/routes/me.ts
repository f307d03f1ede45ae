import { Router } from "express";
import { learnerView } from "../../dashboard/index.js";
import type { ApiDeps } from "../api-deps.js";
import { callerOf } from "../auth/index.js";

/** Who the caller is, what they may see, and their teams. */
export interface MeView {
  tenantId: string;
  objectId: string;
  name: string;
  roles: { admin: boolean; manager: boolean; learner: boolean };
  teams: { id: string; name: string; role: "manager" | "member" }[];
}

export function meRoutes({ storage, now }: ApiDeps): Router {
  const router = Router();

  router.get("/me", async (_req, res) => {
    const caller = callerOf(res);
    const ids = [...caller.managedTeamIds, ...caller.memberTeamIds];
    const teams = await Promise.all(ids.map((id) => storage.teams.get(caller.tenantId, id)));
    const me: MeView = {
      tenantId: caller.tenantId,
      objectId: caller.objectId,
      name: caller.name,
      roles: {
        admin: caller.isAdmin,
        manager: caller.managedTeamIds.length > 0,
        learner: caller.memberTeamIds.length > 0,
      },
      teams: teams.flatMap((t) =>
        t
          ? [
              {
                id: t.value.id,
                name: t.value.name,
                role: caller.managedTeamIds.includes(t.value.id) ? "manager" : "member",
              },
            ]
          : [],
      ),
    };
    res.json(me);
  });

  router.get("/me/learning", async (_req, res) => {
    const caller = callerOf(res);
    res.json(await learnerView(storage, caller.tenantId, caller.objectId, caller.memberTeamIds, now()));
  });

  return router;
}
