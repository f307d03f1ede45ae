import type { Conversation } from "../../domain/index.js";
import { ConcurrencyError, type DeliveryItem, type Storage } from "../../storage/index.js";
import { expirePending } from "../expire-pending.js";

/** Every planned delivery, however far ahead. */
const NO_END = new Date("9999-12-31T00:00:00.000Z");

/** How to reach a person: the conversation row (with its etag) or the copy a queue item carried. */
export interface Reach {
  value: Conversation;
  etag?: string;
}

/**
 * Items carry the person's conversation as planned; only the others need a read. Point reads, one per
 * person: an OR of row keys would be a partition scan on Azure Tables.
 */
export async function reachOf(
  storage: Pick<Storage, "conversations">,
  tenantId: string,
  items: readonly DeliveryItem[],
): Promise<(item: DeliveryItem) => Reach | undefined> {
  const people = [...new Set(items.filter((i) => !i.conversation).map((i) => i.recipientObjectId.toLowerCase()))];
  const found = new Map<string, Reach>();
  await Promise.all(
    people.map(async (objectId) => {
      const row = await storage.conversations.get(tenantId, objectId);
      if (row) found.set(objectId, row);
    }),
  );
  return (item) => (item.conversation ? { value: item.conversation } : found.get(item.recipientObjectId.toLowerCase()));
}

/**
 * Teams said the person removed or blocked the bot (403/404): mark their conversation, so nothing more is
 * tried until they install again, and expire every card already planned for them: Teams would refuse each
 * one, and a refusal each would spend the tenant's budget. A re-install since (a new conversation id) or a
 * newer change wins. Call it once the delivery in hand is finished (its row is no longer pending).
 */
export async function markUnreachable(
  storage: Pick<Storage, "conversations" | "deliveries">,
  reach: Reach,
  reason: string,
  now: Date,
): Promise<void> {
  await markConversation(storage, reach, reason, now);
  await expirePending(storage, reach.value.tenantId, reach.value.objectId, NO_END, reason, now);
}

async function markConversation(
  storage: Pick<Storage, "conversations">,
  reach: Reach,
  reason: string,
  now: Date,
): Promise<void> {
  const conversation = reach.etag
    ? { value: reach.value, etag: reach.etag }
    : await storage.conversations.get(reach.value.tenantId, reach.value.objectId);
  if (!conversation || conversation.value.conversationId !== reach.value.conversationId) return;
  try {
    await storage.conversations.save(
      {
        ...conversation.value,
        reachable: false,
        unreachableReason: reason.slice(0, 500),
        updatedAt: now.toISOString(),
      },
      conversation.etag,
    );
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
  }
}
