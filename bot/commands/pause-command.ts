import { expirePending } from "../../src/delivery/index.js";
import { type Conversation, parseConversation } from "../../src/domain/index.js";
import { ConcurrencyError } from "../../src/storage/index.js";
import { confirmationCard, dayMonth, errorCard } from "../cards/index.js";
import type { CommandContext, CommandHandler } from "./command-context.js";
import { timeZoneOf } from "./person-time-zone.js";

const DEFAULT_DAYS = 7;
const MAX_DAYS = 90;

/**
 * No cards until the pause ends: the planner skips paused people, and deliveries already planned for the
 * pause are expired (the queued messages carry the conversation, so the worker does not read the pause).
 */
export const pause: CommandHandler = async (context, argument) => {
  const days = argument === "" ? DEFAULT_DAYS : Number(argument);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS)
    return [
      {
        summary: "Pause for 1 to 90 days",
        card: errorCard(
          "I can pause for 1 to 90 days",
          `Try "pause ${DEFAULT_DAYS} days".`,
          "Type resume to end a pause.",
        ),
      },
    ];
  const until = new Date(context.services.now().getTime() + days * 86_400_000);
  await changeConversation(context, (c) => ({ ...c, pausedUntil: until.toISOString() }));
  const { tenantId, objectId } = context.actor;
  await expirePending(
    context.services.storage,
    tenantId,
    objectId,
    until,
    `paused until ${until.toISOString()}`,
    context.services.now(),
  );
  const timeZone = await timeZoneOf(context.services, context.actor);
  return [
    {
      summary: `Paused until ${dayMonth(until, timeZone)}`,
      card: confirmationCard({
        kindLabel: "Pause",
        title: `No cards for ${days} day${days === 1 ? "" : "s"}`,
        headline: `Paused until ${dayMonth(until, timeZone)}`,
        detail: "Type resume to get cards again sooner.",
      }),
    },
  ];
};

export const resume: CommandHandler = async (context) => {
  const previous = await changeConversation(context, (c) => ({ ...c, pausedUntil: null }));
  return [
    {
      summary: "Cards resumed",
      card: confirmationCard({
        kindLabel: "Resume",
        title: previous?.pausedUntil ? "Welcome back" : "You weren't paused",
        headline: "Cards are on",
        tone: "good",
        detail: "Type what's due to see this week.",
      }),
    },
  ];
};

/** Reads, changes and saves the person's conversation over its etag (creating it from the activity if new). */
async function changeConversation(
  context: CommandContext,
  change: (c: Conversation) => Conversation,
): Promise<Conversation | undefined> {
  const { storage } = context.services;
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await storage.conversations.get(context.actor.tenantId, context.actor.objectId);
    const updatedAt = context.services.now().toISOString();
    if (!current) {
      const conversation = { ...context.conversation, updatedAt };
      conversation.reachableSince ??= updatedAt;
      await storage.conversations.upsert(change(parseConversation(conversation)));
      return undefined;
    }
    try {
      await storage.conversations.save({ ...change(current.value), updatedAt }, current.etag);
      return current.value;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  throw new ConcurrencyError("conversation");
}
