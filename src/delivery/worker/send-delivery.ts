import { randomUUID } from "node:crypto";
import { type Delivery, transitionDelivery } from "../../domain/index.js";
import type { Logger } from "../../logger.js";
import type { DeliveryCardRenderer, Messenger, OutboundCard } from "../../messaging/index.js";
import { ConcurrencyError, type DeliveryItem, type Storage, type Versioned } from "../../storage/index.js";
import { type Clock, sleepUntil } from "../clock.js";
import type { ContentCache } from "../content-cache.js";
import { sendStep as step } from "../send-steps.js";
import type { TeamsBudget } from "../teams-budget.js";
import { ClaimLead } from "./claim-lead.js";
import { decideDelivery } from "./delivery-decision.js";
import { afterFailure, asSendFailure, type RetryPolicy } from "./failure-policy.js";
import type { ItemResult } from "./outcomes.js";
import { markUnreachable, type Reach } from "./reach.js";
import { SendLine } from "./send-line.js";

/** Marks a delivery sent after an attempt that may itself have reached Teams. */
export const POSSIBLE_DUPLICATE = "possible duplicate: sent again after an interrupted attempt";

export { sendStepChannel } from "../send-steps.js";

/** Test seams at the two points where a crash matters; they never change what the worker does. */
export interface WorkerHooks {
  /** Claimed (the sending mark is written) and about to send. */
  afterClaim?(delivery: Delivery): Promise<void> | void;
  /** Sent, not yet recorded. */
  afterSend?(delivery: Delivery): Promise<void> | void;
}

export interface SendDeliveryDeps {
  storage: Pick<Storage, "deliveries" | "conversations">;
  content: ContentCache;
  render: DeliveryCardRenderer;
  messenger: Messenger;
  budget: TeamsBudget;
  clock: Clock;
  policy: RetryPolicy;
  /** How long a claim lasts (the queue message's visibility). */
  claimMs: number;
  /** A wait for a place in the limits or a retry longer than this hands the delivery back to the queue. */
  maxInlineWaitMs: number;
  hooks?: WorkerHooks;
  logger?: Pick<Logger, "warn">;
  random?: () => number;
}

/** The row changed since it was read (or planned): decide afresh from the stored row. */
class StaleRow extends Error {}

/**
 * The send loop for one delivery, as its questions in order: decided by `decideDelivery` (cancelled? still
 * pending? claimed? reachable? paused?); then a place in Teams' limits; then the claim, written just before
 * the send so that it is the sending mark; the send; the record. A failure goes to `afterFailure`, and every
 * retry hands the claim back with one write (`release`), whether it waits here or on the queue.
 */
export class DeliverySender {
  /** How long before its slot a claim is written, so that it sends on the slot rather than after its grace. */
  private readonly lead = new ClaimLead();
  /** Per tenant: which claimed delivery sends in which booked slot. */
  private readonly lines = new Map<string, SendLine>();

  constructor(private readonly deps: SendDeliveryDeps) {}

  async handle(
    tenantId: string,
    item: DeliveryItem,
    reach: Reach | undefined,
    dequeueCount: number,
    signal: AbortSignal,
  ): Promise<ItemResult> {
    let row: Versioned<Delivery> | undefined = item.planned && {
      value: item.planned.delivery,
      etag: item.planned.etag,
    };
    // The planned copy is unread: any change since makes the first conditional write fail, and then the
    // row is read and everything decided afresh.
    let planned = Boolean(row);
    for (let round = 0; round < 3; round++) {
      if (!row) {
        row = await this.deps.storage.deliveries.get(tenantId, item.recipientObjectId, item.deliveryId);
        // Deleted with its program, or not written yet (a planner between its two steps).
        if (!row) return dequeueCount < 3 ? { outcome: "waiting-for-row", retrySeconds: 10 } : { outcome: "dropped" };
      }
      try {
        return await this.deliver(row, planned, reach, signal);
      } catch (error) {
        if (!(error instanceof StaleRow)) throw error;
        step("stale-row");
        row = undefined;
        planned = false;
      }
    }
    return { outcome: "claimed-elsewhere", retrySeconds: 2 };
  }

  private async deliver(
    row: Versioned<Delivery>,
    planned: boolean,
    reach: Reach | undefined,
    signal: AbortSignal,
  ): Promise<ItemResult> {
    const decision = decideDelivery(row.value, reach?.value, this.deps.clock.now());
    switch (decision.action) {
      case "done":
        return { outcome: decision.outcome };
      case "recheck":
        return { outcome: decision.outcome, retrySeconds: decision.afterSeconds, rowUntouched: planned };
      case "finish":
        await this.finish(row, decision.to, decision.reason);
        return { outcome: decision.outcome };
      case "send":
        if (decision.takeover) step("takeover");
        // `decideDelivery` sends only to a reachable person.
        return this.send(row, reach as Reach, decision.takeover, planned, signal);
    }
  }

  private async send(
    row: Versioned<Delivery>,
    reach: Reach,
    takeover: boolean,
    planned: boolean,
    signal: AbortSignal,
  ): Promise<ItemResult> {
    const { clock, budget, policy } = this.deps;
    const delivery = row.value;
    const card = await this.card(delivery);
    if (!card) {
      await this.finish(row, "failed", "permanent: the delivery's program, team or asset no longer exists");
      return { outcome: "failed" };
    }
    const conversationId = reach.value.conversationId;
    let current = row;
    let untouched = planned;
    let mayHaveSent = Boolean(delivery.mayHaveSent) || takeover;
    for (let round = 0; round < 20; round++) {
      const place = await budget.place(
        delivery.tenantId,
        conversationId,
        clock.now() + this.deps.maxInlineWaitMs,
        signal,
      );
      if ("retryAt" in place) return this.later(place.retryAt, untouched, signal);
      // The slot is the line's from here: whoever is ready first at its time sends in it.
      const line = this.lineFor(delivery.tenantId);
      line.booked(place.at);
      let claim: Versioned<Delivery>;
      try {
        const wakeAt = place.at - this.lead.at(clock.now());
        const asleep = wakeAt > clock.now();
        await sleepUntil(clock, wakeAt, signal);
        if (signal.aborted) {
          line.withdrawn();
          return this.later(clock.now(), untouched, signal);
        }
        // How late timers wake: learnt only from real sleeps (a slot already due has no wake to measure).
        if (asleep) this.lead.wokeLate(clock.now() - wakeAt);
        claim = await this.claim(current, mayHaveSent);
      } catch (error) {
        line.withdrawn();
        throw error;
      }
      untouched = false;
      const unspent = { attempts: current.value.attempts, lastError: current.value.lastError };
      let slot: "go" | "none";
      try {
        slot = await this.turnInLine(line, claim, conversationId, signal);
      } catch (error) {
        // Nothing left for Teams: give the claim back, so no one takes it over later as a possible duplicate.
        await this.release(claim, unspent).catch(() => undefined);
        throw error;
      } finally {
        this.forgetIdle(delivery.tenantId, line);
      }
      if (slot === "none") {
        current = await this.release(claim, unspent);
        return this.later(clock.now() + 1_000, false, signal);
      }
      await this.deps.hooks?.afterClaim?.(claim.value);
      let activityId: string;
      try {
        ({ activityId } = await this.deps.messenger.send(reach.value, card));
      } catch (error) {
        const failure = asSendFailure(error);
        if (!failure) throw error;
        const next = afterFailure(failure, claim.value.attempts, policy, this.deps.random);
        if (next.action === "fail") {
          await this.finish(claim, "failed", next.reason);
          if (next.outcome === "unreachable")
            await markUnreachable(this.deps.storage, reach, next.reason, new Date(clock.now()));
          return { outcome: next.outcome };
        }
        if (next.holdOffConversationMs) budget.holdOff(conversationId, next.holdOffConversationMs);
        step(`retry ${failure.kind}${failure.status ? ` ${failure.status}` : failure.requestSent ? " no answer" : ""}`);
        mayHaveSent ||= next.mayHaveSent;
        current = await this.release(claim, { attempts: next.attempts, lastError: next.reason, mayHaveSent });
        if (next.delayMs > this.deps.maxInlineWaitMs || signal.aborted)
          return this.later(clock.now() + next.delayMs, false, signal);
        await clock.sleep(next.delayMs, signal);
        continue;
      }
      await this.deps.hooks?.afterSend?.(claim.value);
      await this.record(claim, activityId, conversationId, mayHaveSent);
      return { outcome: "sent" };
    }
    return this.later(clock.now() + 1_000, untouched, signal);
  }

  /**
   * Claimed: waits in the tenant's line for a slot and says whether the send may go (a slot now, and the
   * conversation's windows have room). The claim is kept while it waits; short of a slot (one went unspent)
   * or of room in the conversation, it books another. "none" when no slot comes while the claim lasts.
   */
  private async turnInLine(
    line: SendLine,
    claim: Versioned<Delivery>,
    conversationId: string,
    signal: AbortSignal,
  ): Promise<"go" | "none"> {
    const { clock, budget } = this.deps;
    for (let round = 0; round < 20; round++) {
      // The claim lasts the message's visibility: the send must come well within it.
      const deadline = Math.min(
        clock.now() + this.deps.maxInlineWaitMs,
        Date.parse(claim.value.claimedUntil ?? "0") - 5_000,
      );
      const turn = await line.turn(deadline, signal);
      if (turn === undefined) return "none";
      if (turn !== "short") {
        if (budget.takeConversation(conversationId)) return "go";
        step("conversation-full");
      }
      const place = await budget.place(claim.value.tenantId, conversationId, deadline, signal);
      if ("retryAt" in place) return "none";
      line.booked(place.at);
    }
    return "none";
  }

  private lineFor(tenantId: string): SendLine {
    let line = this.lines.get(tenantId);
    if (!line) {
      line = new SendLine(this.deps.clock, this.deps.budget.tenants.graceMs);
      this.lines.set(tenantId, line);
    }
    return line;
  }

  private forgetIdle(tenantId: string, line: SendLine): void {
    if (line.idle && this.lines.get(tenantId) === line) this.lines.delete(tenantId);
  }

  /** Back on the queue at `at` (at once when stopping, so another instance takes it). */
  private later(at: number, untouched: boolean, signal: AbortSignal): ItemResult {
    if (signal.aborted) return { outcome: "handed-back", retrySeconds: 0, rowUntouched: untouched };
    const retrySeconds = Math.max(1, Math.ceil((at - this.deps.clock.now()) / 1000));
    return { outcome: "requeued", retrySeconds, rowUntouched: untouched };
  }

  private async card(delivery: Delivery): Promise<OutboundCard | undefined> {
    const { content } = this.deps;
    const { tenantId, programId, teamId, assetId } = delivery;
    const [program, team, asset] = await Promise.all([
      content.program(tenantId, programId),
      content.team(tenantId, teamId),
      content.asset(tenantId, programId, assetId),
    ]);
    if (!program || !team || !asset) return undefined;
    return this.deps.render(delivery, asset, { program, team });
  }

  /**
   * The claim: an etag-conditional write naming this attempt, just before the send. If the write was applied
   * but its answer lost (the storage client retried it and met its own etag), the row carries our claim id.
   */
  private async claim(row: Versioned<Delivery>, mayHaveSent: boolean): Promise<Versioned<Delivery>> {
    const { clock, storage } = this.deps;
    const claimId = randomUUID();
    const started = clock.now();
    const claimed: Delivery = {
      ...row.value,
      attempts: row.value.attempts + 1,
      claimedUntil: new Date(started + this.deps.claimMs).toISOString(),
      claimId,
      mayHaveSent,
      updatedAt: new Date(started).toISOString(),
    };
    try {
      const saved = await storage.deliveries.save(claimed, row.etag);
      this.lead.claimTook(clock.now() - started, clock.now());
      step("claim");
      return saved;
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      const now = await storage.deliveries.get(row.value.tenantId, row.value.recipientObjectId, row.value.id);
      if (now?.value.claimId === claimId) {
        step("claim-recovered");
        return now;
      }
      throw new StaleRow();
    }
  }

  /** Gives the claim back without a send in flight: the one write behind every retry, here or on the queue. */
  private async release(
    claim: Versioned<Delivery>,
    change: Pick<Delivery, "attempts" | "lastError"> & { mayHaveSent?: boolean },
  ): Promise<Versioned<Delivery>> {
    const now = new Date(this.deps.clock.now()).toISOString();
    const released = { ...claim.value, ...change, claimedUntil: null, claimId: null, updatedAt: now };
    try {
      return await this.deps.storage.deliveries.save(released, claim.etag);
    } catch (error) {
      if (error instanceof ConcurrencyError) throw new StaleRow();
      throw error;
    }
  }

  private async record(
    claim: Versioned<Delivery>,
    activityId: string,
    conversationId: string,
    mayHaveSent: boolean,
  ): Promise<void> {
    const sent = transitionDelivery(claim.value, "sent", new Date(this.deps.clock.now()), {
      activityId,
      conversationId,
      lastError: mayHaveSent ? POSSIBLE_DUPLICATE : null,
    });
    try {
      await this.deps.storage.deliveries.save({ ...sent, claimedUntil: null, claimId: null }, claim.etag);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      this.deps.logger?.warn(
        { delivery: claim.value.id },
        "delivery sent, but its row changed meanwhile (claim expired?)",
      );
    }
  }

  private async finish(row: Versioned<Delivery>, to: "failed" | "expired", reason: string): Promise<void> {
    const next = transitionDelivery(row.value, to, new Date(this.deps.clock.now()), {
      lastError: reason.slice(0, 1000),
    });
    try {
      await this.deps.storage.deliveries.save({ ...next, claimedUntil: null, claimId: null }, row.etag);
    } catch (error) {
      if (error instanceof ConcurrencyError) throw new StaleRow();
      throw error;
    }
  }
}
