import type { ActivityHandlerBase, CloudAdapter } from "botbuilder";
import express, { type Router } from "express";
import type { BotConfig } from "../src/config.js";
import type { Logger } from "../src/logger.js";
import { annotateRequest } from "../src/telemetry/index.js";

export interface MessagesEndpointDeps {
  adapter: Pick<CloudAdapter, "process">;
  bot: Pick<ActivityHandlerBase, "run">;
  config: Pick<BotConfig, "appId" | "devMode" | "allowedTenantIds">;
  env: "development" | "production" | "test";
  logger: Pick<Logger, "info" | "warn" | "error">;
}

/** Collects what botbuilder answers, so the endpoint decides what goes on the wire. */
class BufferedResponse {
  readonly socket = undefined;
  statusCode = 200;
  body: unknown;
  status(code: number) {
    this.statusCode = code;
    return this;
  }
  send(body: unknown) {
    this.body = body;
    return this;
  }
  header() {
    return this;
  }
  end() {
    return this;
  }
}

/**
 * POST /api/messages. botbuilder validates the channel's JWT (keys from the OpenID metadata, issuer,
 * audience = our app id, expiry, the serviceUrl claim); after that, and before any bot logic, only
 * Teams (channel msteams) and the tenants this deployment allows are served. Bad tokens get 401,
 * authenticated requests from elsewhere 403; neither reaches the bot.
 */
export function createMessagesRouter(deps: MessagesEndpointDeps): Router {
  const { config, env, logger } = deps;
  if (!config.appId && !config.devMode)
    throw new Error("the bot endpoint needs BOT_ID, or BOT_DEV_MODE=true to accept unauthenticated requests");
  if (config.devMode && env === "production") throw new Error("the bot's dev mode must not run in production");
  const allowed = new Set(config.allowedTenantIds.map((t) => t.toLowerCase()));

  const router = express.Router();
  router.post("/", express.json({ limit: "256kb" }), async (req, res) => {
    const activity = req.body as Record<string, unknown> | undefined;
    if (!activity || typeof activity !== "object" || Array.isArray(activity) || typeof activity.type !== "string") {
      res.status(400).json({ error: "the body must be a Bot Framework activity" });
      return;
    }
    let refusal: string | undefined;
    const answer = new BufferedResponse();
    try {
      // botbuilder authenticates before it calls this; nothing here runs for a bad token.
      await deps.adapter.process(req, answer, async (context) => {
        const { channelId, channelData, id, type, from } = context.activity;
        const tenantId = (channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
        // Every log line of this request from here on says which activity, tenant and sender it is about.
        annotateRequest({
          activityId: id,
          activityType: type,
          tenantId: typeof tenantId === "string" ? tenantId : undefined,
          callerId: from?.aadObjectId,
        });
        if (channelId !== "msteams") refusal = `channel ${String(channelId)} is not served`;
        else if (typeof tenantId !== "string" || !allowed.has(tenantId.toLowerCase()))
          refusal = "tenant is not allowed";
        else await deps.bot.run(context);
      });
    } catch (error) {
      logger.warn({ err: error }, "bot request refused: not an activity");
      res.status(400).json({ error: "the body must be a Bot Framework activity" });
      return;
    }
    if (refusal) {
      logger.warn({ reason: refusal }, "bot request refused");
      res.status(403).json({ error: "forbidden" });
    } else if (answer.statusCode === 401) {
      logger.warn("bot request refused: not authenticated");
      res.status(401).json({ error: "unauthorised" });
    } else if (answer.statusCode >= 500) {
      // botbuilder puts the error's message in the body; keep it in the log, not on the wire.
      logger.error({ detail: answer.body }, "bot request failed");
      res.status(500).json({ error: "internal error" });
    } else {
      res.status(answer.statusCode);
      if (answer.body !== undefined) res.json(answer.body);
      else res.end();
    }
  });
  return router;
}
