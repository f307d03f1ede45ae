import {
  ActivityTypes,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  TeamsActivityHandler,
  type TurnContext,
} from "botbuilder";
import { type InlineTeamsCalls, queueCard } from "../src/delivery/index.js";
import { type Conversation, type ConversationInput, entraIdSchema } from "../src/domain/index.js";
import type { Logger } from "../src/logger.js";
import { ConcurrencyError } from "../src/storage/index.js";
import { type Actor, type BotServices, handleCardAction } from "./actions/index.js";
import { type AdaptiveCardJson, adaptiveCardContentType, errorCard } from "./cards/index.js";
import { type BotSettings, type CommandReply, routeCommand, welcomeReply } from "./commands/index.js";
import { toSendFailure, turnWithoutSdkRetries } from "./proactive-messenger.js";

export interface BotDeps extends BotServices {
  settings: BotSettings;
  logger: Pick<Logger, "info" | "warn" | "error">;
  /**
   * Replies and card updates within the tenant's Teams budget (shared with the delivery workers of every
   * instance) and the delivery retry policy; without it they go at once, one attempt each.
   */
  teamsCalls?: InlineTeamsCalls;
}

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

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const actor = actorOf(context);
    const card = actor ? await this.act(actor, invokeValue.action.verb, invokeValue.action.data) : unknownCallerCard();
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
      const card = await this.act(actor, undefined, value);
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
      this.deps.logger.error({ err: error, tenantId: actor.tenantId, verb }, "card action failed");
      return errorCard("Something went wrong on our side", "Nothing was recorded. Please try again in a minute.");
    }
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
    if (context.activity.conversation.conversationType !== "personal") {
      // Team scope: people are linked to teams by the program's team records (teamsOf); reading the
      // Teams roster here would only matter for mapping Teams teams to program teams, which we do not do.
      this.deps.logger.info({ tenantId: actor.tenantId }, "installed in team scope; roster not read");
      return undefined;
    }
    const existing = await this.deps.storage.conversations.get(actor.tenantId, actor.objectId);
    const saved = await this.deps.storage.conversations.upsert({
      ...conversationOf(context, actor),
      pausedUntil: existing?.value.pausedUntil ?? null,
      updatedAt: this.deps.now().toISOString(),
    });
    this.deps.logger.info({ tenantId: actor.tenantId, reinstall: Boolean(existing) }, "installed");
    return saved.value;
  }

  private async uninstall(context: TurnContext): Promise<void> {
    const actor = actorOf(context);
    if (!actor || context.activity.conversation.conversationType !== "personal") return;
    await this.changeConversation(actor, { reachable: false, unreachableReason: "uninstalled" });
    this.deps.logger.info({ tenantId: actor.tenantId }, "uninstalled");
  }

  /** A message proves the chat works: make sure the person can be reached, whatever install events we missed. */
  private async ensureReachable(context: TurnContext, actor: Actor): Promise<void> {
    if (context.activity.conversation.conversationType !== "personal") return;
    const existing = await this.deps.storage.conversations.get(actor.tenantId, actor.objectId);
    if (existing?.value.reachable) return;
    if (!existing)
      await this.deps.storage.conversations.upsert({
        ...conversationOf(context, actor),
        updatedAt: this.deps.now().toISOString(),
      });
    else await this.changeConversation(actor, { reachable: true, unreachableReason: null });
  }

  private async changeConversation(
    actor: Actor,
    change: { reachable: boolean; unreachableReason: string | null },
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
    updatedAt: new Date().toISOString(),
  };
}

function unknownCallerCard(): AdaptiveCardJson {
  return errorCard(
    "I couldn't tell who you are",
    "This message came without a Microsoft Entra identity, so I can't act on it.",
    "Chat with me from Microsoft Teams in your organisation.",
  );
}
