import { Router } from "express";
import { z } from "zod";
import {
  type Asset,
  assetBehaviourIssues,
  audienceOf,
  type Delivery,
  idSchema,
  newDelivery,
  type Program,
  parseAsset,
  parseTeam,
  type Team,
  ValidationError,
} from "../../domain/index.js";
import { CardTooLargeError } from "../../messaging/index.js";
import type { ApiDeps } from "../api-deps.js";
import type { Caller } from "../auth/index.js";
import { parseBody } from "../body.js";
import { param, requireAdmin } from "../guards.js";
import { HttpError, notFound } from "../http-errors.js";

const previewBody = z.strictObject({
  /** The asset as the builder holds it, saved or not: kind, title, behaviourIds, content (and its id, if saved). */
  asset: z.record(z.string(), z.unknown(), "must be an asset object"),
  /** Whose card to show: a team of the program; its first pilot team by default. */
  teamId: idSchema.optional(),
  /** A skills check is labelled as taken before (pre) or after (post) the program. */
  phase: z.enum(["pre", "post"], "must be pre or post").optional(),
});

/** The card the asset's recipient gets, rendered by the same function the delivery pipeline sends with. */
export interface CardPreview {
  card: Record<string, unknown>;
  summary: string;
  /** The team it was rendered for; null when the program has no team yet and an example team stood in. */
  team: { id: string; name: string } | null;
  recipient: { role: "manager" | "learner"; name: string };
}

const PREVIEW_ID = "preview";

export function cardPreviewRoutes({ storage, now, renderCard }: ApiDeps): Router {
  const router = Router();

  router.post("/programs/:id/card-preview", async (req, res) => {
    const caller = requireAdmin(res);
    const body = parseBody(previewBody, req.body);
    const found = await storage.programs.get(caller.tenantId, param(req.params.id));
    if (!found) throw notFound("program");
    const program = found.value;
    const at = now();
    const asset = parseAsset({
      ...body.asset,
      id: body.asset.id ?? PREVIEW_ID,
      tenantId: caller.tenantId,
      programId: program.id,
      updatedAt: at.toISOString(),
    });
    const issues = assetBehaviourIssues(program, asset);
    if (issues.length > 0) throw new ValidationError("asset", issues);

    const team = await teamFor(program, body.teamId, caller);
    const role = audienceOf(asset.kind) === "managers" ? "manager" : "learner";
    const recipient = role === "manager" ? team.manager : (team.members[0] ?? team.manager);
    const planned = newDelivery(
      {
        id: PREVIEW_ID,
        tenantId: caller.tenantId,
        programId: program.id,
        assetId: asset.id,
        scheduleEntryId: PREVIEW_ID,
        teamId: team.id,
        recipientObjectId: recipient.objectId,
        recipientRole: role,
        slot: at,
      },
      at,
    );
    // Shown as the person sees it: sent.
    const delivery: Delivery = { ...planned, status: "sent" };
    try {
      const { card, summary } = renderCard(delivery, asset, {
        team,
        program: withPreviewEntry(program, asset, body.phase ?? "pre"),
      });
      const preview: CardPreview = {
        card,
        summary,
        team: team.id === EXAMPLE_TEAM_ID ? null : { id: team.id, name: team.name },
        recipient: { role, name: recipient.displayName },
      };
      res.json(preview);
    } catch (error) {
      if (!(error instanceof CardTooLargeError)) throw error;
      throw new HttpError(422, {
        error: "too_large",
        reason: `for ${team.name} this card would be ${Math.ceil(error.bytes / 1024)} KB; Teams accepts at most 28 KB`,
      });
    }
  });

  async function teamFor(program: Program, teamId: string | undefined, caller: Caller): Promise<Team> {
    const chosen = teamId ?? program.teams.find((t) => t.role === "pilot")?.teamId;
    if (teamId && !program.teams.some((t) => t.teamId === teamId))
      throw new ValidationError("preview", [{ field: "teamId", rule: "must be a team of the program" }]);
    const found = chosen ? await storage.teams.get(caller.tenantId, chosen) : undefined;
    return found?.value ?? exampleTeam(caller);
  }

  return router;
}

const EXAMPLE_TEAM_ID = "example-team";

/** Until the program has a team, an example one: the admin as its manager and three example members. */
function exampleTeam(caller: Caller): Team {
  const member = (n: number) => ({
    objectId: `00000000-0000-4000-8000-00000000000${n}`,
    displayName: `Example member ${n}`,
    timeZone: "UTC",
  });
  return parseTeam({
    id: EXAMPLE_TEAM_ID,
    tenantId: caller.tenantId,
    name: "Example team",
    manager: { objectId: caller.objectId, displayName: caller.name || "You", timeZone: "UTC" },
    members: [member(1), member(2), member(3)],
  });
}

/** The skills check's phase comes from its schedule entry, so the preview gets an entry of its own. */
function withPreviewEntry(program: Program, asset: Asset, phase: "pre" | "post"): Program {
  const entry = {
    id: PREVIEW_ID,
    assetId: asset.id,
    audience: audienceOf(asset.kind),
    cadence: { kind: "once" as const, week: 1, weekday: 1 },
    localTime: "09:00",
    ...(asset.kind === "skills_check" ? { phase } : {}),
  };
  return { ...program, schedule: { ...program.schedule, entries: [...program.schedule.entries, entry] } };
}
