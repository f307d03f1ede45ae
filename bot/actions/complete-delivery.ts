import { type Delivery, transitionDelivery } from "../../src/domain/index.js";
import { ConcurrencyError, type Storage } from "../../src/storage/index.js";

/**
 * Marks a delivery completed over its etag. Returns true when this call completed it, false when it
 * already was (another click or another instance got there first). A concurrent change is re-read once.
 */
export async function completeDelivery(
  storage: Storage,
  delivery: Delivery,
  etag: string,
  now: Date,
): Promise<{ completed: boolean; delivery: Delivery; etag: string }> {
  let current = { value: delivery, etag };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (current.value.status === "completed") return { completed: false, delivery: current.value, etag: current.etag };
    const sent = current.value.status === "scheduled" ? transitionDelivery(current.value, "sent", now) : current.value;
    const completed = transitionDelivery(sent, "completed", now);
    try {
      const saved = await storage.deliveries.save(completed, current.etag);
      return { completed: true, delivery: saved.value, etag: saved.etag };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      const reread = await storage.deliveries.get(delivery.tenantId, delivery.recipientObjectId, delivery.id);
      if (!reread) throw error;
      current = reread;
    }
  }
  throw new ConcurrencyError("delivery");
}

/** Whether a card for this delivery may still be answered. */
export function isAnswerable(delivery: Delivery): boolean {
  return delivery.status === "sent" || delivery.status === "scheduled" || delivery.status === "completed";
}
