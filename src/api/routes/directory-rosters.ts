import { Router } from "express";
import { z } from "zod";
import { GraphError } from "../../graph/index.js";
import { directoryRosterRequestSchema, readDirectoryRoster } from "../../roster/index.js";
import type { ApiDeps } from "../api-deps.js";
import { bearerOf } from "../auth/index.js";
import { parseBody } from "../body.js";
import { requireIfMatch, setEtag } from "../etag.js";
import { requireAdmin } from "../guards.js";
import { HttpError } from "../http-errors.js";

const modeQuery = z.object({ mode: z.enum(["preview", "commit"], "must be preview or commit") });

/**
 * A team built or refreshed from the directory (a Teams team's members, an Entra group, a manager's direct
 * reports), each person with their zone. Preview reads and writes nothing; commit writes the team when every
 * person's zone is known (refreshing an existing team needs its ETag in If-Match).
 */
export function directoryRosterRoutes({ storage, directory }: ApiDeps): Router {
  const router = Router();

  router.post("/team-directory-imports", async (req, res) => {
    const caller = requireAdmin(res);
    const { mode } = parseBody(modeQuery, req.query);
    const request = parseBody(directoryRosterRequestSchema, req.body);
    if (!directory)
      throw new HttpError(409, {
        error: "graph_not_configured",
        reason: "Microsoft Graph is not configured (GRAPH_CLIENT_SECRET); import a roster file instead",
      });
    const existing = await storage.teams.get(caller.tenantId, request.teamId);
    const etag = mode === "commit" && existing ? requireIfMatch(req) : undefined;
    const roster = await readDirectoryRoster(directory, storage, caller.tenantId, request, bearerOf(res)).catch(
      (error: unknown) => {
        throw asHttpError(error);
      },
    );
    const body = { mode, exists: Boolean(existing), people: roster.people, problems: roster.problems };
    if (mode === "preview") {
      res.json(body);
      return;
    }
    if (!roster.team) {
      res.status(400).json({ error: "invalid", ...body });
      return;
    }
    const saved = await storage.teams.save(roster.team, etag);
    setEtag(res, saved.etag);
    res.status(existing ? 200 : 201).json({ ...body, team: saved.value });
  });

  return router;
}

/** Graph's answer as something the admin can act on. */
function asHttpError(error: unknown): unknown {
  if (!(error instanceof GraphError)) return error;
  if (error.status === 404)
    return new HttpError(404, { error: "not_found", reason: `not found in the directory: ${error.message}` });
  if (error.refused)
    return new HttpError(502, {
      error: "graph_refused",
      reason: `Microsoft Graph refused (${error.status} ${error.code}): ${error.message} Grant the app's Graph application permissions and admin consent (docs/customer-setup.md).`,
    });
  return new HttpError(502, {
    error: "graph_unavailable",
    reason: `Microsoft Graph answered ${error.status} ${error.code}`,
  });
}
