import { randomUUID } from "node:crypto";
import { type Activity, TestAdapter } from "botbuilder";
import { pino } from "pino";
import { type AdaptiveCardJson, type BotDeps, ThroughlineBot } from "../../../bot/index.js";
import type { Storage } from "../../../src/storage/index.js";

export const tabUrl = "https://teams.microsoft.com/l/entity/00000000-0000-4000-8000-000000000001/home";

export function testBot(storage: Storage, now: Date, overrides: Partial<BotDeps> = {}): ThroughlineBot {
  return new ThroughlineBot({
    storage,
    now: () => now,
    settings: { tabUrl },
    logger: pino({ level: "silent" }),
    ...overrides,
  });
}

export interface ChatOptions {
  tenantId: string | undefined;
  objectId: string | undefined;
  name?: string;
  conversationType?: "personal" | "channel" | "groupChat";
  conversationId?: string;
}

/** A Teams chat with the bot as one person: every activity carries their verified identity and tenant. */
export function chatAs(bot: ThroughlineBot, options: ChatOptions) {
  const conversationId = options.conversationId ?? `a:${randomUUID()}`;
  const adapter = new TestAdapter(async (context) => bot.run(context), {
    channelId: "msteams",
    serviceUrl: "https://smba.trafficmanager.net/emea/",
    from: { id: `29:${options.objectId ?? "anonymous"}`, aadObjectId: options.objectId, name: options.name ?? "Maya" },
    recipient: { id: "28:throughline-bot", name: "Throughline" },
    conversation: {
      id: conversationId,
      conversationType: options.conversationType ?? "personal",
      tenantId: options.tenantId,
      isGroup: false,
      name: "",
    },
    channelData: options.tenantId ? { tenant: { id: options.tenantId } } : {},
  });

  /** Messages the bot updated in place (TestAdapter keeps no record of its own once replies are read). */
  const updates: Partial<Activity>[] = [];
  const update = adapter.updateActivity.bind(adapter);
  adapter.updateActivity = async (context, activity) => {
    updates.push(activity);
    return update(context, activity);
  };

  /** Sends an activity and returns what the bot sent back (messages, updates or an invoke response). */
  async function send(activity: Partial<Activity> | string): Promise<Partial<Activity>[]> {
    await adapter.processActivity(typeof activity === "string" ? { type: "message", text: activity } : activity);
    const replies: Partial<Activity>[] = [];
    for (let next = adapter.getNextReply(); next; next = adapter.getNextReply()) replies.push(next);
    return replies;
  }

  return {
    adapter,
    conversationId,
    updates,
    send,
    /** The cards of the bot's message replies to a text. */
    async say(text: string): Promise<AdaptiveCardJson[]> {
      return cardsOf(await send(text));
    },
    /** Clicks an Action.Execute button; returns the card that replaces it. */
    async execute(verb: string, data: Record<string, unknown>): Promise<AdaptiveCardJson> {
      return (await this.click(verb, data)).card;
    },
    /** Clicks an Action.Execute button; returns the card that replaces it and any cards sent as new messages. */
    async click(
      verb: string,
      data: Record<string, unknown>,
    ): Promise<{ card: AdaptiveCardJson; sent: AdaptiveCardJson[] }> {
      const replies = await send({
        type: "invoke",
        name: "adaptiveCard/action",
        value: { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
      });
      const response = replies.find((r) => r.type === "invokeResponse")?.value as
        | { status: number; body: { statusCode: number; type: string; value: AdaptiveCardJson } }
        | undefined;
      if (response?.status !== 200) throw new Error(`invoke answered ${JSON.stringify(response)}`);
      return { card: response.body.value, sent: cardsOf(replies.filter((r) => r.type === "message")) };
    },
    installationUpdate(action: "add" | "remove") {
      return send({ type: "installationUpdate", action });
    },
  };
}

export function cardsOf(replies: Partial<Activity>[]): AdaptiveCardJson[] {
  return replies.flatMap((r) => (r.attachments ?? []).map((a) => a.content as AdaptiveCardJson));
}
