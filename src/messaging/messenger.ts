import type { Conversation } from "../domain/index.js";

/** An Adaptive Card as JSON (schema 1.5), plus the text Teams shows in notifications. */
export interface OutboundCard {
  card: Record<string, unknown>;
  summary: string;
}

/**
 * How a send failed, in the terms the delivery loop acts on:
 * throttled — wait `retryAfterMs` and try again; transient — back off and retry (5xx, 412, network);
 * unreachable — the person removed the bot or blocked it (403/404): mark them, never retry;
 * permanent — a bad request that no retry will fix. `requestSent`: no answer came back to a request that
 * went out (a reset connection, a timeout), so Teams may have taken it.
 */
export class SendFailure extends Error {
  constructor(
    readonly kind: "throttled" | "transient" | "unreachable" | "permanent",
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    readonly requestSent = false,
  ) {
    super(message);
    this.name = "SendFailure";
  }
}

/**
 * The seam between the app and Teams for messages the app starts (proactive sends and card updates).
 * The bot implements it (bot/); the delivery pipeline depends only on this. Implementations make one
 * HTTP attempt per call and throw SendFailure, so retries are decided in one place: the delivery loop.
 */
export interface Messenger {
  send(conversation: Conversation, card: OutboundCard): Promise<{ activityId: string }>;
  update(conversation: Conversation, activityId: string, card: OutboundCard): Promise<void>;
}
