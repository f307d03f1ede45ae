import { type Attributes, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import {
  PlannerLoop,
  type PlannerLoopOptions,
  TenantRateLimiter,
  type TenantRateLimiterOptions,
} from "../delivery/index.js";
import type { Conversation } from "../domain/index.js";
import type { Logger } from "../logger.js";
import { type Messenger, type OutboundCard, SendFailure } from "../messaging/index.js";
import type { CoordinationRepository, DeliveryMessage, MessageQueue, Storage } from "../storage/index.js";
import type { Telemetry } from "./otel.js";

/** What became of one attempt to send a card to Teams. */
export type SendOutcome = "sent" | "throttled" | "transient" | "unreachable" | "failed";

/** The delivery pipeline's metric names, in one place for the code, the tests and docs/operations.md. */
export const deliveryMetricNames = {
  sends: "throughline.delivery.sends",
  sendDuration: "throughline.delivery.send.duration",
  results: "throughline.delivery.results",
  tenantRateWait: "throughline.delivery.tenant_rate.wait",
  queueDepth: "throughline.delivery.queue.depth",
  oldestDueAge: "throughline.delivery.queue.oldest_due_age",
  plannerTickDuration: "throughline.delivery.planner.tick.duration",
  planned: "throughline.delivery.planner.planned",
} as const;

/**
 * The delivery pipeline's spans and metrics, attached from outside it: a Messenger wrapper (one span and
 * one point per Teams send), a rate limiter and a planner loop that time themselves, and observable
 * instruments that read the worker's counts and the queue when the exporter collects.
 */
export class DeliveryTelemetry {
  private readonly sends;
  private readonly sendDuration;
  private readonly rateWait;
  private readonly tickDuration;
  private readonly planned;

  constructor(private readonly telemetry: Pick<Telemetry, "tracer" | "meter">) {
    const { meter } = telemetry;
    this.sends = meter.createCounter(deliveryMetricNames.sends, {
      description: "Attempts to send a card to Teams, by outcome (sent, throttled, transient, unreachable, failed)",
    });
    this.sendDuration = meter.createHistogram(deliveryMetricNames.sendDuration, {
      unit: "ms",
      description: "Time Teams took to answer a send",
    });
    this.rateWait = meter.createHistogram(deliveryMetricNames.tenantRateWait, {
      unit: "ms",
      description: "Wait for a slot in the tenant's shared Teams rate (reserved=false: handed back to the queue)",
    });
    this.tickDuration = meter.createHistogram(deliveryMetricNames.plannerTickDuration, {
      unit: "ms",
      description: "Time of one tenant's planner tick (reloaded=true: everything was read afresh)",
    });
    this.planned = meter.createCounter(deliveryMetricNames.planned, { description: "Deliveries the planner queued" });
  }

  /** The messenger the workers send through, timed and counted per attempt. */
  messenger(inner: Messenger): Messenger {
    return {
      send: async (conversation: Conversation, card: OutboundCard) => {
        const span = this.telemetry.tracer.startSpan("Teams send", {
          kind: SpanKind.CLIENT,
          attributes: { "throughline.tenant_id": conversation.tenantId, "peer.service": "Bot Connector" },
        });
        const started = performance.now();
        let outcome: SendOutcome = "sent";
        let status: number | undefined;
        try {
          return await inner.send(conversation, card);
        } catch (error) {
          outcome = outcomeOf(error);
          status = error instanceof SendFailure ? error.status : undefined;
          throw error;
        } finally {
          const attributes: Attributes = { outcome };
          this.sends.add(1, attributes);
          this.sendDuration.record(performance.now() - started, attributes);
          span.setAttributes({
            "throughline.outcome": outcome,
            ...(status ? { "http.response.status_code": status } : {}),
          });
          if (outcome !== "sent") span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
          span.end();
        }
      },
      update: (conversation, activityId, card) => inner.update(conversation, activityId, card),
    };
  }

  /** The tenant rate limiter the workers wait on, recording each wait. */
  tenantLimiter(coordination: CoordinationRepository, options: TenantRateLimiterOptions): TenantRateLimiter {
    return new MeasuredTenantRateLimiter(coordination, options, (ms, reserved) =>
      this.rateWait.record(ms, { reserved }),
    );
  }

  /** The planner loop, timing each tenant's tick. */
  plannerLoop(storage: Storage, options: PlannerLoopOptions, logger?: Logger): PlannerLoop {
    return new PlannerLoop(
      storage,
      {
        ...options,
        onTick: (report) => {
          options.onTick?.(report);
          this.tickDuration.record(report.ms, { reloaded: report.reloaded });
          if (report.planned > 0) this.planned.add(report.planned);
        },
      },
      logger,
    );
  }

  /** Delivery results as the worker counts them (sent, failed, expired, requeued…), read at each export. */
  observeWorker(worker: { readonly counts: Readonly<Record<string, number>> }): void {
    this.telemetry.meter
      .createObservableCounter(deliveryMetricNames.results, {
        description: "Deliveries this instance's workers finished with or handed back, by result",
      })
      .addCallback((result) => {
        for (const [name, count] of Object.entries(worker.counts)) result.observe(count, { result: name });
      });
  }

  /**
   * Each shard's depth and how late its oldest due message is (now minus the earliest slot it carries, or
   * its enqueue time), read from the queue at each export. Every instance reports the same queue: read
   * the maximum across instances, not the sum.
   */
  observeQueue(queue: Pick<MessageQueue<DeliveryMessage>, "peekShards">, now: () => Date = () => new Date()): void {
    const { meter } = this.telemetry;
    const depth = meter.createObservableGauge(deliveryMetricNames.queueDepth, {
      description: "Messages on the delivery queue shard (scheduled and in flight included); ~20 deliveries each",
    });
    const age = meter.createObservableGauge(deliveryMetricNames.oldestDueAge, {
      unit: "s",
      description: "How late the oldest due message on the shard is (0 when none is due)",
    });
    meter.addBatchObservableCallback(
      async (result) => {
        const shards = (await queue.peekShards?.()) ?? [];
        const at = now().getTime();
        for (const { shard, count, first } of shards) {
          result.observe(depth, count, { shard });
          result.observe(age, first ? Math.max(0, (at - dueAt(first)) / 1000) : 0, { shard });
        }
      },
      [depth, age],
    );
  }
}

/** The earliest slot the message carries, or when it was queued when it carries none. */
function dueAt(first: { insertedOn: Date; body: DeliveryMessage }): number {
  const slots = (first.body.items ?? [])
    .map((item) => ("planned" in item && item.planned ? Date.parse(item.planned.delivery.slot) : Number.NaN))
    .filter((t) => Number.isFinite(t));
  return slots.length > 0 ? Math.min(...slots) : first.insertedOn.getTime();
}

function outcomeOf(error: unknown): SendOutcome {
  if (!(error instanceof SendFailure)) return "transient";
  if (error.kind === "permanent") return "failed";
  return error.kind;
}

class MeasuredTenantRateLimiter extends TenantRateLimiter {
  constructor(
    coordination: CoordinationRepository,
    options: TenantRateLimiterOptions,
    private readonly recordWait: (ms: number, reserved: boolean) => void,
  ) {
    super(coordination, options);
  }

  override async reserve(tenantId: string, maxWaitMs: number) {
    const started = performance.now();
    const reservation = await super.reserve(tenantId, maxWaitMs);
    this.recordWait(
      performance.now() - started + (reservation.reserved ? reservation.waitMs : 0),
      reservation.reserved,
    );
    return reservation;
  }
}
