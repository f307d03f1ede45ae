import {
  ActivityTypes,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  type InvokeResponse,
  TeamsActivityHandler,
  type TurnContext,
} from "botbuilder";
import { z } from "zod";
import { expirePending, type InlineTeamsCalls, queueCard } from "../src/delivery/index.js";
import { type Conversation, type ConversationInput, entraIdSchema, isTimeZone } from "../src/domain/index.js";
import type { Logger } from "../src/logger.js";
import { ConcurrencyError, isStorageUnavailable } from "../src/storage/index.js";
import { type Actor, type BotServices, handleCardAction } from "./actions/index.js";
import { rejections } from "./actions/rejections.js";
import { type AdaptiveCardJson, adaptiveCardContentType, dayMonth, errorCard } from "./cards/index.js";
import { type BotSettings, type CommandReply, routeCommand, timeZoneOf, welcomeReply } from "./commands/index.js";
import { type DueActionResult, handleDueAction, isDueVerb } from "./due/index.js";
import { toSendFailure, turnWithoutSdkRetries } from "./proactive-messenger.js";

export interface BotDeps extends BotServices {
  settings: BotSettings;
  logger: Pick<Logger, "info" | "warn" | "error">;
  /**
   * Replies and card updates within the tenant's Teams budget (shared with the delivery workers of every
   * instance) and the delivery retry policy; without it they go at once, one attempt each.
   */
  teamsCalls?: InlineTeamsCalls;
  /** Onboards the tenant on its first install (src/onboarding); the endpoint has already checked it is allowed. */
  onboard?: (tenantId: string) => Promise<unknown>;
}

/** What botbuilder needs of an Action.Execute invoke before it reads it; the verb handlers check the rest. */
const invokeValueSchema = z.looseObject({
  action: z.looseObject({ type: z.literal("Action.Execute"), verb: z.string().max(64).optional() }),
});

/** Every planned delivery, however far ahead. */
const NO_END = new Date("9999-12-31T00:00:00.000Z");

/**
 * Throughline in Teams: installs and uninstalls keep the person's conversation row current, typed
 * commands go to the command router, and card actions (Action.Execute, or Action.Submit where a client
 * lacks it) go to the verb handlers, whose answer replaces the card in place.
 */
export class ThroughlineBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();

    this.onInstallationUpdateAdd(async (context, next) => {
      const conversation = await this.install(context);
      // Queued, not sent in the turn: a bulk install's welcomes take their turn in the tenant's budget.
      if (conversation) {
        const { card, summary } = this.welcome(context);
        await queueCard(this.deps.storage.deliveryQueue, conversation, { card, summary }, "welcome");
      }
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await this.uninstall(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      if (context.activity.membersAdded?.some((m) => m.id === context.activity.recipient.id))
        await this.install(context);
      await next();
    });
    this.onMembersRemoved(async (context, next) => {
      if (context.activity.membersRemoved?.some((m) => m.id === context.activity.recipient.id))
        await this.uninstall(context);
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.message(context);
      await next();
    });
  }

  /**
   * Teams sends Action.Execute as an `adaptiveCard/action` invoke whose value holds the action. botbuilder reads
   * `value.action.type` without checking there is an action, so a malformed value ("x", [], {}, {"action":
   * null}) would be a 500; it gets the error card instead, and nothing is written.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === "adaptiveCard/action" && !invokeValueSchema.safeParse(context.activity.value).success)
      return {
        status: 200,
        body: { statusCode: 200, type: adaptiveCardContentType, value: rejections.malformed().card },
      };
    return super.onInvokeActivity(context);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const actor = actorOf(context);
    const { verb, data } = invokeValue.action;
    if (actor && isDueVerb(verb)) {
      const card = await this.dueAction(context, actor, verb, data);
      return { statusCode: 200, type: adaptiveCardContentType, value: card };
    }
    const card = actor ? await this.act(actor, verb, data) : unknownCallerCard();
    return { statusCode: 200, type: adaptiveCardContentType, value: card };
  }

  private async message(context: TurnContext): Promise<void> {
    const actor = actorOf(context);
    if (!actor) {
      await this.sendReplies(context, [{ card: unknownCallerCard(), summary: "Who are you?" }]);
      return;
    }
    const { value, text } = context.activity;
    if (value && typeof value === "object" && !text) {
      // Action.Submit, from a client without Universal Actions: replace the card that was clicked.
      const submitted = (value as { verb?: unknown }).verb;
      const card = isDueVerb(submitted)
        ? await this.dueAction(context, actor, undefined, value)
        : await this.act(actor, undefined, value);
      await this.replaceCard(context, card, actor.tenantId);
      return;
    }
    await this.ensureReachable(context, actor);
    const replies = await routeCommand(
      {
        services: this.deps,
        settings: this.deps.settings,
        actor,
        conversation: conversationOf(context, actor),
        displayName: context.activity.from.name ?? "",
      },
      text ?? "",
    );
    await this.sendReplies(context, replies, actor.tenantId);
  }

  private async act(actor: Actor, verb: string | undefined, data: unknown): Promise<AdaptiveCardJson> {
    try {
      const result = await handleCardAction(this.deps, actor, verb, data);
      this.deps.logger.info({ tenantId: actor.tenantId, verb, outcome: result.outcome }, "card action");
      return result.card;
    } catch (error) {
      // Storage down: the endpoint answers 503 with Retry-After rather than a card that blames the person.
      if (isStorageUnavailable(error)) throw error;
      this.deps.logger.error({ err: error, tenantId: actor.tenantId, verb }, "card action failed");
      return errorCard("Something went wrong on our side", "Nothing was recorded. Please try again in a minute.");
    }
  }

  /**
   * A click on the due list: the list comes back refreshed; an item opened again is sent as a new message,
   * and an item completed from the list has its own card updated where it was sent.
   */
  private async dueAction(context: TurnContext, actor: Actor, verb: string | undefined, data: unknown) {
    let result: DueActionResult;
    try {
      result = await handleDueAction(this.deps, actor, this.deps.settings.tabUrl, verb, data);
    } catch (error) {
      this.deps.logger.error({ err: error, tenantId: actor.tenantId, verb }, "due list action failed");
      return errorCard("Something went wrong on our side", "Nothing was recorded. Please try again in a minute.");
    }
    this.deps.logger.info({ tenantId: actor.tenantId, verb: verb ?? "submit" }, "due list action");
    await this.sendReplies(context, result.send, actor.tenantId);
    const update = result.update;
    if (update && update.conversationId === context.activity.conversation.id) {
      try {
        await this.teamsCall(context, actor.tenantId, () =>
          context.updateActivity({
            type: ActivityTypes.Message,
            id: update.activityId,
            attachments: [CardFactory.adaptiveCard(update.card)],
          }),
        );
      } catch (error) {
        // The list already says it is done; an old card that cannot be updated only keeps its buttons.
        this.deps.logger.warn({ err: error, tenantId: actor.tenantId }, "could not update the item's card");
      }
    }
    return result.card;
  }

  private async replaceCard(context: TurnContext, card: AdaptiveCardJson, tenantId: string): Promise<void> {
    const replyToId = context.activity.replyToId;
    const activity = { type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(card)] };
    if (replyToId)
      await this.teamsCall(context, tenantId, () => context.updateActivity({ ...activity, id: replyToId }));
    else await this.teamsCall(context, tenantId, () => context.sendActivity(activity));
  }

  private async sendReplies(context: TurnContext, replies: CommandReply[], tenantId?: string): Promise<void> {
    for (const reply of replies) {
      const activity = {
        type: ActivityTypes.Message,
        summary: reply.summary,
        attachments: [CardFactory.adaptiveCard(reply.card)],
      };
      const response = await this.teamsCall(context, tenantId, () => context.sendActivity(activity));
      if (reply.onSent && response?.id) await reply.onSent(response.id);
    }
  }

  /** A call to Teams in this turn: in the tenant's budget with the delivery retry policy, one HTTP attempt at a time. */
  private teamsCall<T>(context: TurnContext, tenantId: string | undefined, call: () => Promise<T>): Promise<T> {
    turnWithoutSdkRetries(context);
    const calls = this.deps.teamsCalls;
    if (!calls || !tenantId) return call();
    return calls.run(tenantId, context.activity.conversation.id, call, toSendFailure);
  }

  private welcome(context: TurnContext): CommandReply {
    return welcomeReply(this.deps.settings, context.activity.from.name ?? "");
  }

  /** Personal scope only: stores how to reach the person, and returns it. */
  private async install(context: TurnContext): Promise<Conversation | undefined> {
    const actor = actorOf(context);
    if (!actor) return undefined;
    await this.deps.onboard?.(actor.tenantId);
    if (context.activity.conversation.conversationType !== "personal") {
      // Team scope: people are linked to teams by the program's team records (teamsOf); reading the
      // Teams roster here would only matter for mapping Teams teams to program teams, which we do not do.
      this.deps.logger.info({ tenantId: actor.tenantId }, "installed in team scope; roster not read");
      return undefined;
    }
    const existing = await this.deps.storage.conversations.get(actor.tenantId, actor.objectId);
    const fresh = conversationOf(context, actor);
    const at = this.deps.now().toISOString();
    const saved = await this.deps.storage.conversations.upsert({
      ...fresh,
      timeZone: fresh.timeZone ?? existing?.value.timeZone ?? null,
      pausedUntil: existing?.value.pausedUntil ?? null,
      // A repeated install event changes nothing: the person was reachable all along.
      reachableSince: existing?.value.reachable ? existing.value.reachableSince : at,
      updatedAt: at,
    });
    this.deps.logger.info({ tenantId: actor.tenantId, reinstall: Boolean(existing) }, "installed");
    return saved.value;
  }

  /**
   * The person removed the app: they cannot be reached, and every card already planned for them is expired
   * now, so a worker holding a queued copy (which carries the conversation as planned) finds the row changed
   * and sends nothing.
   */
  private async uninstall(context: TurnContext): Promise<void> {
    const actor = actorOf(context);
    if (!actor || context.activity.conversation.conversationType !== "personal") return;
    const now = this.deps.now();
    const reason = `removed the app on ${dayMonth(now, await timeZoneOf(this.deps, actor))}`;
    await this.changeConversation(actor, { reachable: false, unreachableReason: reason });
    const expired = await expirePending(this.deps.storage, actor.tenantId, actor.objectId, NO_END, reason, now);
    this.deps.logger.info({ tenantId: actor.tenantId, expired }, "uninstalled");
  }

  /** A message proves the chat works: make sure the person can be reached, whatever install events we missed. */
  private async ensureReachable(context: TurnContext, actor: Actor): Promise<void> {
    if (context.activity.conversation.conversationType !== "personal") return;
    const existing = await this.deps.storage.conversations.get(actor.tenantId, actor.objectId);
    if (existing?.value.reachable) return;
    if (!existing) await this.deps.onboard?.(actor.tenantId);
    const at = this.deps.now().toISOString();
    if (!existing)
      await this.deps.storage.conversations.upsert({
        ...conversationOf(context, actor),
        reachableSince: at,
        updatedAt: at,
      });
    else await this.changeConversation(actor, { reachable: true, unreachableReason: null, reachableSince: at });
  }

  private async changeConversation(
    actor: Actor,
    change: { reachable: boolean; unreachableReason: string | null; reachableSince?: string },
  ): Promise<void> {
    const { storage } = this.deps;
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await storage.conversations.get(actor.tenantId, actor.objectId);
      if (!current) return;
      try {
        await storage.conversations.save(
          { ...current.value, ...change, updatedAt: this.deps.now().toISOString() },
          current.etag,
        );
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
  }
}

/**
 * The acting person, from the activity the adapter authenticated: the tenant from channelData (Teams
 * always sends it) and the Entra object id Teams sets on `from`. Never from card data or message text.
 */
export function actorOf(context: TurnContext): Actor | undefined {
  const activity = context.activity;
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const tenant = entraIdSchema.safeParse(channelData?.tenant?.id ?? activity.conversation?.tenantId);
  const objectId = entraIdSchema.safeParse(activity.from?.aadObjectId);
  if (!tenant.success || !objectId.success) return undefined;
  return { tenantId: tenant.data, objectId: objectId.data };
}

function conversationOf(context: TurnContext, actor: Actor): ConversationInput {
  const activity = context.activity;
  return {
    tenantId: actor.tenantId,
    objectId: actor.objectId,
    conversationId: activity.conversation.id,
    serviceUrl: activity.serviceUrl,
    botId: activity.recipient?.id ?? "",
    reachable: true,
    unreachableReason: null,
    timeZone: clientTimeZone(activity.entities),
    updatedAt: new Date().toISOString(),
  };
}

/** The zone Teams' client reports on the activity (`clientInfo.timezone`), if it is a real IANA zone. */
function clientTimeZone(entities: { type?: string; [key: string]: unknown }[] | undefined): string | null {
  const zone = entities?.find((e) => e.type === "clientInfo")?.timezone;
  return typeof zone === "string" && isTimeZone(zone) ? zone : null;
}

function unknownCallerCard(): AdaptiveCardJson {
  return errorCard(
    "I couldn't tell who you are",
    "This message came without a Microsoft Entra identity, so I can't act on it.",
    "Chat with me from Microsoft Teams in your organisation.",
  );
}
