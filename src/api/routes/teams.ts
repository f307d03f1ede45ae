import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { DEFAULT_LIMITS } from "../../config.js";
import { managerView } from "../../dashboard/index.js";
import type { Team } from "../../domain/index.js";
import { importRosterCsv } from "../../roster/index.js";
import type { ApiDeps } from "../api-deps.js";
import { callerOf, canSeeTeam } from "../auth/index.js";
import { objectOf, parseBody, readText, requireCsv } from "../body.js";
import { readIfMatch, requireIfMatch, setEtag } from "../etag.js";
import { param, requireAdmin } from "../guards.js";
import { forbidden, HttpError, notFound } from "../http-errors.js";
import { type ListPage, pageQuery } from "../paging.js";

const importQuery = z.strictObject({ mode: z.enum(["preview", "commit"], "must be preview or commit") });

const listQuery = pageQuery(1000);

/** A team in a list: who manages it and how many members it has, not the whole roster. */
export interface TeamSummary {
  id: string;
  name: string;
  manager: { objectId: string; displayName: string };
  members: number;
}

const summary = (t: Team): TeamSummary => ({
  id: t.id,
  name: t.name,
  manager: { objectId: t.manager.objectId, displayName: t.manager.displayName },
  members: t.members.length,
});

export function teamRoutes({ storage, now, minGroupSize, limits = DEFAULT_LIMITS }: ApiDeps): Router {
  const router = Router();

  /**
   * Admins see every team of their tenant, a page at a time (?pageSize up to 1,000, then ?continuationToken);
   * anyone else the teams they manage or belong to, in one page.
   */
  router.get("/teams", async (req, res) => {
    const caller = callerOf(res);
    const query = parseBody(listQuery, req.query);
    let result: ListPage<TeamSummary>;
    if (caller.isAdmin) {
      const page = await storage.teams.list(caller.tenantId, { ...query, pageSize: query.pageSize ?? 1000 });
      result = { items: page.items.map((t) => summary(t.value)), continuationToken: page.continuationToken ?? null };
    } else {
      const ids = [...caller.managedTeamIds, ...caller.memberTeamIds];
      const found = await Promise.all(ids.map((id) => storage.teams.get(caller.tenantId, id)));
      result = { items: found.flatMap((t) => (t ? [summary(t.value)] : [])), continuationToken: null };
    }
    res.json(result);
  });

  /** The caller's team by the path's id, for its manager or an admin only. */
  const visibleTeam = async (req: Request, res: Response) => {
    const caller = callerOf(res);
    const teamId = param(req.params.teamId);
    // Checked before reading, so a non-manager learns nothing about the team, not even that it exists.
    if (!canSeeTeam(caller, teamId)) throw forbidden("only the team's manager or an admin may see this team");
    const team = await storage.teams.get(caller.tenantId, teamId);
    if (!team) throw notFound("team");
    return team;
  };

  router.get("/teams/:teamId/dashboard", async (req, res) => {
    const team = await visibleTeam(req, res);
    res.json(await managerView(storage, team.value, now(), { minimum: minGroupSize }));
  });

  /** One team with its whole roster and its ETag. */
  router.get("/teams/:teamId", async (req, res) => {
    const team = await visibleTeam(req, res);
    setEtag(res, team.etag);
    res.json(team.value);
  });

  /**
   * Creates a team (201) or replaces its roster (200, If-Match required): how an HR or directory export gets
   * managers and members in. The tenant comes from the token and the id from the path, never from the body.
   */
  router.put("/teams/:teamId", async (req, res) => {
    const caller = requireAdmin(res);
    const id = param(req.params.teamId);
    const ifMatch = readIfMatch(req);
    const found = await storage.teams.get(caller.tenantId, id);
    const etag = found ? requireIfMatch(req) : undefined;
    // An If-Match names a version to replace; with no team there is none, so nothing is created.
    if (!found && ifMatch)
      throw new HttpError(412, {
        error: "precondition_failed",
        issues: [
          { field: "If-Match", rule: "names a version, but there is no such team: send no If-Match to create it" },
        ],
      });
    const saved = await storage.teams.save({ ...objectOf(req.body), id, tenantId: caller.tenantId }, etag);
    setEtag(res, saved.etag);
    res.status(found ? 200 : 201).json(saved.value);
  });

  /** A roster file (see importRosterCsv): preview reports, commit writes all or nothing (400 with the report). */
  router.post("/team-imports", async (req, res) => {
    const caller = requireAdmin(res);
    const { mode } = parseBody(importQuery, req.query);
    requireCsv(req);
    const text = await readText(req, limits.rosterCsvBytes);
    const report = await importRosterCsv(storage, caller.tenantId, text, { mode, maxRows: limits.csvRows });
    if (mode === "commit" && report.issues.length > 0) res.status(400).json({ error: "invalid", ...report });
    else res.json(report);
  });

  return router;
}
