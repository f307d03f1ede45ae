import type {
  CardItem,
  DeliveryItem,
  DeliveryMessage,
  MessageQueue,
  QueueItem,
  QueueMessage,
} from "../../storage/index.js";
import type { ItemResult } from "./outcomes.js";

/** What happens to a queue message once its items have been looked at. */
export type Disposition =
  | { action: "delete" }
  /** Back on the queue after `delaySeconds`, holding only the items still to do. */
  | { action: "release"; delaySeconds: number; body: DeliveryMessage };

/**
 * A message is deleted once every item is done with; otherwise it goes back (one update) holding only
 * the items left, due when the soonest of them is. An item whose handling threw (`undefined`) stays for
 * the visibility timeout. A delivery's planned copy goes back only while its row is untouched: after
 * any write it would only fail its claim, so without it the row is read.
 */
export function dispositionOf(
  message: DeliveryMessage,
  results: readonly (ItemResult | undefined)[],
  visibilitySeconds: number,
): Disposition {
  const left: QueueItem[] = [];
  let delay = Number.POSITIVE_INFINITY;
  message.items.forEach((item, i) => {
    const result = results[i];
    if (result && result.retrySeconds === undefined) return;
    delay = Math.min(delay, result?.retrySeconds ?? visibilitySeconds);
    left.push(itemLeft(item, result));
  });
  if (left.length === 0) return { action: "delete" };
  return { action: "release", delaySeconds: Math.max(0, delay), body: { tenantId: message.tenantId, items: left } };
}

function itemLeft(item: QueueItem, result: ItemResult | undefined): QueueItem {
  if (isCardItem(item)) return result?.attempts === undefined ? item : { ...item, attempts: result.attempts };
  if (result?.rowUntouched) return item;
  const { planned, ...rest } = item;
  return rest;
}

/** Carries out a disposition. A message that came back to another worker meanwhile is that worker's now. */
export async function dispose(
  queue: Pick<MessageQueue<DeliveryMessage>, "delete" | "release">,
  message: QueueMessage<DeliveryMessage>,
  disposition: Disposition,
): Promise<void> {
  try {
    if (disposition.action === "delete") await queue.delete(message);
    else await queue.release(message, disposition.delaySeconds, disposition.body);
  } catch (error) {
    // 404/400: its visibility ran out and another worker received it (a new pop receipt): that copy carries on.
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== 404 && status !== 400) throw error;
  }
}

export function isCardItem(item: QueueItem): item is CardItem {
  return (item as Partial<CardItem>).kind === "card";
}

/**
 * The message as this version reads it, or undefined when nothing in it can be acted on. A message of the
 * first form (one delivery, its fields at the top) becomes a message of one item, so deliveries queued
 * before an upgrade are still sent; unreadable items are left out.
 */
export function readDeliveryMessage(body: unknown): DeliveryMessage | undefined {
  const b = body as Partial<DeliveryMessage> & Partial<DeliveryItem>;
  if (typeof b?.tenantId !== "string") return undefined;
  if (Array.isArray(b.items)) {
    const items = b.items.filter(isReadableItem);
    return items.length > 0 ? { tenantId: b.tenantId, items } : undefined;
  }
  if (typeof b.deliveryId !== "string" || typeof b.recipientObjectId !== "string") return undefined;
  const { tenantId, ...item } = b as DeliveryItem & { tenantId: string };
  return { tenantId, items: [item] };
}

function isReadableItem(item: unknown): item is QueueItem {
  const i = item as Partial<DeliveryItem> & Partial<CardItem>;
  if (i?.kind === "card")
    return typeof i.conversation?.conversationId === "string" && typeof i.card?.summary === "string";
  return typeof i?.deliveryId === "string" && typeof i.recipientObjectId === "string";
}
