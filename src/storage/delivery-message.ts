import type { Conversation, Delivery } from "../domain/index.js";

/**
 * What goes on the delivery queue: one or more deliveries of one tenant that fall due together (or cards
 * to send as they are, such as a welcome). A campaign to thousands of people becomes a few hundred
 * messages, so receiving and deleting cost a fraction of a queue call per send, and the queue stays short.
 */
export interface DeliveryMessage {
  tenantId: string;
  items: QueueItem[];
}

export type QueueItem = DeliveryItem | CardItem;

/** One delivery on the queue: enough to find its row, nothing that can go stale. */
export interface DeliveryItem {
  recipientObjectId: string;
  deliveryId: string;
  /**
   * The row as the planner wrote it, with its etag: the worker claims over that etag without reading the
   * row first. If anything changed the row since (a cancel, another worker), the claim fails and the worker
   * reads the row afresh, so this copy never decides anything on its own.
   */
  planned?: { delivery: Delivery; etag: string };
  /**
   * How to reach the person, as planned: the worker sends with it instead of reading the conversation
   * row. Reachability is then Teams' own answer (403/404 marks the person unreachable), and a pause
   * after planning expires the pending rows, which fails the claim over `planned.etag`.
   */
  conversation?: Conversation;
}

/**
 * A card sent as it is, with no delivery row behind it (the welcome on install): it takes its place in the
 * tenant's Teams budget and retry policy like a delivery. At least once: a crash at the send may repeat it.
 */
export interface CardItem {
  kind: "card";
  /** What it is, for logs and counts ("welcome"). */
  purpose: string;
  conversation: Conversation;
  card: { card: Record<string, unknown>; summary: string };
  /** Attempts that counted so far (429s do not). */
  attempts?: number;
}

/**
 * Items per message at most. Fewer messages make every queue call cheaper on Azurite, whose index of a queue's
 * messages is rebuilt on each receive and delete (at 100,000 people, 5,000 messages of 20 made the queue the
 * campaign's limit). With a full row and a Teams-length conversation each, deflated, a message stays under half
 * of Azure's 64 KiB (tests/storage/message-codec.test.ts).
 */
export const MAX_ITEMS_PER_DELIVERY_MESSAGE = 50;
