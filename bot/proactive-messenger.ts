import {
  ActivityTypes,
  CardFactory,
  type CloudAdapter,
  type ConversationReference,
  type TurnContext,
} from "botbuilder";
import type { ConnectorClient } from "botframework-connector";
import type { Conversation } from "../src/domain/index.js";
import { type Messenger, type OutboundCard, SendFailure } from "../src/messaging/index.js";

/**
 * Sends and updates cards in a person's stored conversation. One HTTP attempt per call: the SDK's own
 * retry policy is removed from each connector client, so the delivery loop alone decides on retries and
 * they never multiply.
 */
export class ProactiveMessenger implements Messenger {
  constructor(
    private readonly adapter: Pick<CloudAdapter, "continueConversationAsync" | "ConnectorClientKey">,
    private readonly appId: string,
  ) {}

  async send(conversation: Conversation, card: OutboundCard): Promise<{ activityId: string }> {
    let activityId = "";
    await this.within(conversation, async (context) => {
      const response = await context.sendActivity({
        type: ActivityTypes.Message,
        summary: card.summary,
        attachments: [CardFactory.adaptiveCard(card.card)],
      });
      activityId = response?.id ?? "";
    });
    return { activityId };
  }

  async update(conversation: Conversation, activityId: string, card: OutboundCard): Promise<void> {
    await this.within(conversation, async (context) => {
      await context.updateActivity({
        type: ActivityTypes.Message,
        id: activityId,
        summary: card.summary,
        attachments: [CardFactory.adaptiveCard(card.card)],
      });
    });
  }

  private async within(conversation: Conversation, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.appId, referenceOf(conversation), async (context) => {
        const connector = context.turnState.get<ConnectorClient>(this.adapter.ConnectorClientKey);
        withoutSdkRetries(connector);
        await logic(context);
      });
    } catch (error) {
      throw toSendFailure(error);
    }
  }
}

export function referenceOf(conversation: Conversation): Partial<ConversationReference> {
  return {
    channelId: "msteams",
    serviceUrl: conversation.serviceUrl,
    conversation: { id: conversation.conversationId, isGroup: false, conversationType: "personal", name: "" },
    bot: { id: conversation.botId, name: "" },
    user: { id: "", name: "", aadObjectId: conversation.objectId },
  };
}

interface PipelineHolder {
  client?: { pipeline?: { removePolicy(options: { name: string }): unknown } };
}

function withoutSdkRetries(connector: ConnectorClient | undefined): void {
  (connector as unknown as PipelineHolder | undefined)?.client?.pipeline?.removePolicy({ name: "defaultRetryPolicy" });
}

/** The same for the connector client of an incoming turn (replies, card updates): one HTTP attempt per call. */
export function turnWithoutSdkRetries(context: TurnContext): void {
  const key = (context.adapter as unknown as Partial<CloudAdapter>).ConnectorClientKey;
  if (key) withoutSdkRetries(context.turnState.get<ConnectorClient>(key));
}

/** Network errors that mean the request never left this machine. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ERR_INVALID_URL"]);

/** Maps what the Bot Connector answered onto what the delivery loop should do next. */
export function toSendFailure(error: unknown): SendFailure {
  const e = error as {
    statusCode?: number;
    code?: string;
    response?: { status?: number; headers?: { get?(name: string): string | undefined }; parsedBody?: unknown };
    message?: string;
  };
  const status = e.statusCode ?? e.response?.status;
  const message = e.message ?? String(error);
  // No answer: unless the connection was never made, the request may have reached Teams.
  if (status === undefined)
    return new SendFailure("transient", message, undefined, undefined, !NEVER_SENT.has(String(e.code)));
  if (status === 429) {
    const retryAfter = Number(e.response?.headers?.get?.("retry-after"));
    return new SendFailure("throttled", message, status, Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000);
  }
  if (status === 403 || status === 404) {
    // Read plainly in the delivery report: "Teams refused: ConversationBlockedByUser".
    const body = e.response?.parsedBody as { error?: { code?: unknown } } | undefined;
    const code = typeof body?.error?.code === "string" ? body.error.code : e.code;
    return new SendFailure(
      "unreachable",
      `Teams refused: ${code && code !== String(status) ? code : `HTTP ${status}`}`,
      status,
    );
  }
  if (status >= 500 || status === 412 || status === 408) {
    return new SendFailure("transient", message, status);
  }
  return new SendFailure("permanent", message, status);
}
