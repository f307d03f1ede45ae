import { createHash } from "node:crypto";
import { z } from "zod";
import { InvalidTransitionError } from "./errors.js";
import { entraIdSchema, idSchema, isoDateTimeSchema, parseWith } from "./validation.js";

export const deliveryStatuses = ["scheduled", "sent", "completed", "expired", "failed", "cancelled"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * scheduled → sent → (completed | expired); a send that gives up is failed, and an admin's
 * "resend to failed" puts it back to scheduled. Pending deliveries can be cancelled or expire unsent.
 */
const allowedTransitions: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  scheduled: ["sent", "failed", "cancelled", "expired"],
  sent: ["completed", "expired"],
  completed: [],
  expired: [],
  failed: ["scheduled"],
  cancelled: [],
};

export function canTransitionDelivery(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return allowedTransitions[from].includes(to);
}

/** One asset to one person at one slot. */
export const deliverySchema = z.object({
  id: idSchema,
  tenantId: entraIdSchema,
  programId: idSchema,
  assetId: idSchema,
  scheduleEntryId: idSchema,
  teamId: idSchema,
  recipientObjectId: entraIdSchema,
  recipientRole: z.enum(["manager", "learner"], "must be manager or learner"),
  /** The slot as a UTC instant, already resolved from the recipient's local time. */
  slot: isoDateTimeSchema,
  status: z.enum(deliveryStatuses, `must be one of ${deliveryStatuses.join(", ")}`).default("scheduled"),
  attempts: z.number().int().min(0, "must be 0 or more").default(0),
  lastError: z.string().max(1000).nullable().default(null),
  /** The sent message's id, so the card can be updated in place. */
  activityId: z.string().max(200).nullable().default(null),
  conversationId: z.string().max(500).nullable().default(null),
  sentAt: isoDateTimeSchema.nullable().default(null),
  completedAt: isoDateTimeSchema.nullable().default(null),
  /**
   * A worker's claim on a scheduled delivery, written just before its send: no other worker sends it before
   * this instant. The claim is followed by nothing but the send, so one that runs out means its holder died
   * or stalled at the send.
   */
  claimedUntil: isoDateTimeSchema.nullable().optional(),
  /** Names the claim, so a worker whose claim write was applied but answered late knows the claim is its own. */
  claimId: z.string().max(100).nullable().optional(),
  /**
   * An earlier attempt may have reached Teams: its claim ran out (the holder died at the send) or its request
   * went out and no answer came back. A later successful send is then reported as a possible duplicate.
   */
  mayHaveSent: z.boolean().optional(),
  updatedAt: isoDateTimeSchema,
});

export type Delivery = z.output<typeof deliverySchema>;
export type DeliveryInput = z.input<typeof deliverySchema>;

export function parseDelivery(input: unknown): Delivery {
  return parseWith(deliverySchema, input, "delivery");
}

/**
 * Deterministic, so planning the same slot twice yields the same id (and the store refuses the second).
 * The slot leads so that a recipient's deliveries sort by time.
 */
export function deliveryIdFor(programId: string, assetId: string, recipientObjectId: string, slot: Date): string {
  const digest = createHash("sha256")
    .update([programId, assetId, recipientObjectId.toLowerCase(), slot.toISOString()].join("\n"))
    .digest("hex")
    .slice(0, 16);
  const stamp = slot
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  return `${stamp}-${digest}`;
}

/** What a delivery is planned from: the asset, the person and the slot. */
export type PlannedDelivery = Pick<
  Delivery,
  "id" | "tenantId" | "programId" | "assetId" | "scheduleEntryId" | "teamId" | "recipientObjectId" | "recipientRole"
> & { slot: Date };

/** A delivery as planned: scheduled, never attempted, nothing sent. */
export function newDelivery(planned: PlannedDelivery, now: Date): Delivery {
  return {
    ...planned,
    slot: planned.slot.toISOString(),
    status: "scheduled",
    attempts: 0,
    lastError: null,
    activityId: null,
    conversationId: null,
    sentAt: null,
    completedAt: null,
    updatedAt: now.toISOString(),
  };
}

/**
 * A card that expired unsent because its person could not be reached (they removed the app, paused, or the
 * program was paused) is planned again once they can: it goes back to scheduled, as planned. A card that was
 * sent, failed or was cancelled by an admin stays as it is.
 */
export function reviveDelivery(delivery: Delivery, now: Date): Delivery {
  if (delivery.status !== "expired" || delivery.sentAt !== null)
    throw new InvalidTransitionError("delivery", delivery.status, "scheduled");
  return {
    ...delivery,
    status: "scheduled",
    lastError: null,
    claimId: null,
    claimedUntil: null,
    updatedAt: now.toISOString(),
  };
}

export function transitionDelivery(
  delivery: Delivery,
  to: DeliveryStatus,
  now: Date,
  changes: Partial<Pick<Delivery, "activityId" | "conversationId" | "lastError" | "attempts">> = {},
): Delivery {
  if (!canTransitionDelivery(delivery.status, to)) throw new InvalidTransitionError("delivery", delivery.status, to);
  const at = now.toISOString();
  return {
    ...delivery,
    ...changes,
    status: to,
    sentAt: to === "sent" ? at : delivery.sentAt,
    completedAt: to === "completed" ? at : delivery.completedAt,
    updatedAt: at,
  };
}
