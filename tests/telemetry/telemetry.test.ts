import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { SpanKind } from "@opentelemetry/api";
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderDeliveryCard } from "../../bot/index.js";
import { composeThroughline } from "../../src/composition.js";
import { DeliveryWorker } from "../../src/delivery/index.js";
import { createLogger } from "../../src/logger.js";
import { DeliveryTelemetry, deliveryMetricNames, type Telemetry, telemetryWith } from "../../src/telemetry/index.js";
import { conversationFor, messengerFor, seedActiveProgram, storageWithOwnQueue } from "../delivery/support.js";
import { type BotConnectorSimulator, startBotConnectorSimulator } from "../support/bot-connector-simulator.js";
import { type EntraSimulator, startEntraSimulator } from "../support/entra-simulator.js";
import { ManualClock } from "../support/manual-clock.js";
import { newTenantId, testStorage } from "../support/storage.js";
import { testConfig } from "../support/test-config.js";

/** Telemetry over in-memory exporters: what Azure Monitor would receive, read back by the test. */
function inMemoryTelemetry() {
  const spans = new InMemorySpanExporter();
  const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const telemetry = telemetryWith(
    {
      spanProcessor: new SimpleSpanProcessor(spans),
      metricReader: new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 3_600_000 }),
    },
    { instanceId: "test-instance" },
  );
  /** Collects now and returns the latest points of one metric. */
  async function points(name: string): Promise<DataPoint<unknown>[]> {
    metrics.reset();
    await telemetry.flush();
    const all = metrics.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    return all.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as DataPoint<unknown>[]);
  }
  return { telemetry, spans, points };
}

/** JSON log lines as the app writes them (the production logger, into memory). */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ logLevel: "info" }, destination) };
}

describe("request telemetry", () => {
  let entra: EntraSimulator;
  let server: Server;
  let base: string;
  let tenantId: string;
  let telemetry: Telemetry;
  let spans: InMemorySpanExporter;
  let points: (name: string) => Promise<DataPoint<unknown>[]>;
  let lines: Record<string, unknown>[];

  beforeAll(async () => {
    entra = await startEntraSimulator();
    tenantId = newTenantId();
    const memory = inMemoryTelemetry();
    ({ telemetry, spans, points } = memory);
    const log = capturedLog();
    lines = log.lines;
    const config = testConfig({
      AUTH_CLIENT_ID: entra.clientId,
      AUTH_JWKS_URL: entra.jwksUrl,
      ALLOWED_TENANT_IDS: tenantId,
      BOT_DEV_MODE: "true",
      LOG_LEVEL: "info",
    });
    const { app } = await composeThroughline(config, { storage: await testStorage(), logger: log.logger, telemetry });
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await entra.stop();
    await telemetry.shutdown();
  });

  it("joins the caller's trace, and logs one line with the request id, tenant and caller but no token", async () => {
    const objectId = randomUUID();
    const token = await entra.token({ tenantId, objectId });
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const response = await fetch(`${base}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe(traceId);

    const span = spans.getFinishedSpans().find((s) => s.spanContext().traceId === traceId);
    expect(span?.name).toBe("GET /api/v1/me");
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
    expect(span?.attributes).toMatchObject({
      "http.request.method": "GET",
      "http.route": "/api/v1/me",
      "http.response.status_code": 200,
      "throughline.tenant_id": tenantId,
      "enduser.id": objectId,
    });

    const line = lines.find((l) => l.requestId === traceId && l.msg === "request");
    expect(line).toMatchObject({
      method: "GET",
      path: "/api/v1/me",
      route: "/api/v1/me",
      status: 200,
      traceId,
      tenantId,
      callerId: objectId,
    });
    expect(JSON.stringify(lines)).not.toContain(token);

    const durations = await points("http.server.request.duration");
    expect(durations.find((p) => p.attributes["http.route"] === "/api/v1/me")?.attributes).toMatchObject({
      "http.request.method": "GET",
      "http.response.status_code": 200,
    });
  });

  it("takes the client's x-ms-client-request-id as the request id, and starts a trace of its own without traceparent", async () => {
    const response = await fetch(`${base}/api/v1/me`, { headers: { "x-ms-client-request-id": "client-req-42" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-request-id")).toBe("client-req-42");
    const line = lines.find((l) => l.requestId === "client-req-42");
    expect(line).toMatchObject({ msg: "request", status: 401 });
    expect(line?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(line?.tenantId).toBeUndefined();
  });

  it("puts the bot's activity id, tenant and sender on every line the bot endpoint writes for the activity", async () => {
    const otherTenant = newTenantId();
    const sender = randomUUID();
    const activityId = `activity-${randomUUID()}`;
    const response = await fetch(`${base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "message",
        id: activityId,
        channelId: "msteams",
        serviceUrl: "http://127.0.0.1:9/",
        from: { id: "29:sender", aadObjectId: sender },
        recipient: { id: "28:bot" },
        conversation: { id: "a:conversation" },
        channelData: { tenant: { id: otherTenant } },
        text: "help",
      }),
    });
    expect(response.status).toBe(403);
    const ofActivity = lines.filter((l) => l.activityId === activityId);
    expect(ofActivity.map((l) => l.msg)).toEqual(["bot request refused", "request"]);
    for (const line of ofActivity)
      expect(line).toMatchObject({ tenantId: otherTenant, callerId: sender, activityType: "message" });
  });
});

describe("delivery telemetry", () => {
  const appId = randomUUID();
  const appPassword = "s3cret";
  let sim: BotConnectorSimulator;
  beforeAll(async () => {
    sim = await startBotConnectorSimulator({ appId, appPassword });
  });
  afterAll(() => sim.close());

  it("a planner tick and a worker's sends produce send spans and every delivery metric", async () => {
    const { telemetry, spans, points } = inMemoryTelemetry();
    const measured = new DeliveryTelemetry(telemetry);
    const storage = await storageWithOwnQueue();
    // Two tenants running the program; the second one's manager removed the bot, so Teams answers 403.
    const tenantId = newTenantId();
    const blockedTenantId = newTenantId();
    await seedActiveProgram(storage, tenantId, { serviceUrl: sim.serviceUrl });
    const blocked = await seedActiveProgram(storage, blockedTenantId, { serviceUrl: sim.serviceUrl });
    sim.uninstall(conversationFor(blockedTenantId, blocked.pilot.manager.objectId, sim.serviceUrl).conversationId);

    // Planned the way start-delivery wires it: the measured planner loop, over these tenants alone.
    const slot = new Date("2026-09-08T08:00:00Z");
    const instanceId = `test-${randomUUID()}`;
    const planner = measured.plannerLoop(storage, {
      instanceId,
      intervalMs: 60_000,
      horizonMs: 60_000,
      lookbackMs: 60_000,
      clock: new ManualClock(slot.getTime()),
      tenantFilter: (t) => t === tenantId || t === blockedTenantId,
      peerFilter: (i) => i === instanceId,
    });
    await planner.check();
    await planner.idle();
    expect(planner.ticks.reduce((n, t) => n + t.planned, 0)).toBe(2);
    await planner.stop();
    const fiveMinutesLate = new Date(slot.getTime() + 300_000);
    measured.observeQueue(storage.deliveryQueue, () => fiveMinutesLate);
    const depthBefore = await points(deliveryMetricNames.queueDepth);
    expect(depthBefore.reduce((n, p) => n + Number(p.value), 0)).toBeGreaterThan(0);
    expect(depthBefore.map((p) => p.attributes.shard).sort()).toEqual([0, 1, 2]);
    const ages = await points(deliveryMetricNames.oldestDueAge);
    expect(Math.max(...ages.map((p) => Number(p.value)))).toBe(300);

    const worker = new DeliveryWorker(
      {
        storage,
        messenger: measured.messenger(messengerFor(sim, appId, appPassword)),
        render: renderDeliveryCard,
        tenantLimiter: measured.tenantLimiter(storage.coordination, { perSecond: 50 }),
      },
      { instanceId: "test", visibilitySeconds: 10 },
    );
    measured.observeWorker(worker);
    while ((await worker.runOnce()) > 0);

    const sendSpans = spans.getFinishedSpans().filter((s) => s.name === "Teams send");
    expect(sendSpans.map((s) => s.attributes["throughline.outcome"]).sort()).toEqual(["sent", "unreachable"]);
    expect(sendSpans.every((s) => s.kind === SpanKind.CLIENT)).toBe(true);
    expect(sendSpans.find((s) => s.attributes["throughline.outcome"] === "sent")?.attributes).toMatchObject({
      "throughline.tenant_id": tenantId,
    });
    expect(sendSpans.find((s) => s.attributes["throughline.outcome"] === "unreachable")?.attributes).toMatchObject({
      "http.response.status_code": 403,
      "throughline.tenant_id": blockedTenantId,
    });

    const sends = await points(deliveryMetricNames.sends);
    expect(Object.fromEntries(sends.map((p) => [p.attributes.outcome, p.value]))).toEqual({ sent: 1, unreachable: 1 });
    const sendDurations = await points(deliveryMetricNames.sendDuration);
    expect(sendDurations.map((p) => p.attributes.outcome).sort()).toEqual(["sent", "unreachable"]);
    const results = await points(deliveryMetricNames.results);
    const byResult = Object.fromEntries(results.map((p) => [p.attributes.result, p.value]));
    expect(byResult).toMatchObject({ sent: 1, unreachable: 1, failed: 0 });
    const waits = await points(deliveryMetricNames.tenantRateWait);
    expect(waits.find((p) => p.attributes.reserved === true)?.value).toMatchObject({ count: 2 });
    const ticks = await points(deliveryMetricNames.plannerTickDuration);
    expect(ticks.find((p) => p.attributes.reloaded === true)?.value).toMatchObject({ count: 2 });
    const planned = await points(deliveryMetricNames.planned);
    expect(planned[0]?.value).toBe(2);
    const depthAfter = await points(deliveryMetricNames.queueDepth);
    expect(depthAfter.reduce((n, p) => n + Number(p.value), 0)).toBe(0);
    expect((await points(deliveryMetricNames.oldestDueAge)).every((p) => p.value === 0)).toBe(true);
    await telemetry.shutdown();
  });
});
