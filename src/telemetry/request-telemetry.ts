import { randomBytes } from "node:crypto";
import {
  type Attributes,
  defaultTextMapGetter,
  isSpanContextValid,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { Request, RequestHandler } from "express";
import type { Logger } from "../logger.js";
import type { Telemetry } from "./otel.js";
import { type RequestContext, runInRequestContext } from "./request-context.js";

const propagator = new W3CTraceContextPropagator();
/** A client's own request id, kept only when it is plainly an id (it goes into logs and a header). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Platform probes: logged at debug, or every instance writes a line a minute per probe. */
const PROBES = new Set(["/healthz", "/readyz"]);

/**
 * One span, one duration point and one log line per request, and a request context that every log line
 * written while the request runs carries. An incoming W3C `traceparent` makes the request part of the
 * caller's trace; `x-ms-client-request-id` (as Azure clients send it) becomes the request id, which is
 * otherwise the trace id. The id goes back in `x-request-id`, so a person can quote it.
 */
export function requestTelemetry(deps: {
  logger: Logger;
  telemetry: Pick<Telemetry, "tracer" | "meter">;
}): RequestHandler {
  const { logger, telemetry } = deps;
  const duration = telemetry.meter.createHistogram("http.server.request.duration", {
    unit: "s",
    description: "Time to answer an HTTP request",
  });
  return (req, res, next) => {
    const started = performance.now();
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const path = req.originalUrl.split("?")[0] ?? "/";
    const span = telemetry.tracer.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method, "url.path": path } },
      parent,
    );
    const spanContext = span.spanContext();
    const traceId = isSpanContextValid(spanContext) ? spanContext.traceId : randomBytes(16).toString("hex");
    const clientId = req.headers["x-ms-client-request-id"];
    const requestId = typeof clientId === "string" && CLIENT_REQUEST_ID.test(clientId) ? clientId : traceId;
    const context: RequestContext = { requestId, traceId };
    res.setHeader("x-request-id", requestId);

    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      const route = routeOf(req);
      const status = res.statusCode;
      const ms = performance.now() - started;
      const attributes: Attributes = {
        "http.request.method": req.method,
        "http.response.status_code": status,
        ...(route ? { "http.route": route } : {}),
      };
      duration.record(ms / 1000, attributes);
      span.updateName(route ? `${req.method} ${route}` : req.method);
      span.setAttributes({ ...attributes, ...contextAttributes(context) });
      if (status >= 500 || aborted) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      runInRequestContext(context, () => {
        const fields = { method: req.method, path, route, status, ms: Math.round(ms), ...(aborted ? { aborted } : {}) };
        if (status >= 500) logger.error(fields, "request");
        else if (PROBES.has(path)) logger.debug(fields, "request");
        else logger.info(fields, "request");
      });
    };
    res.once("finish", () => finish(false));
    res.once("close", () => finish(!res.writableFinished));
    runInRequestContext(context, next);
  };
}

/** The route template (`/api/v1/programs/:programId`), never the ids in the path. */
function routeOf(req: Request): string | undefined {
  const route = (req as Request & { route?: { path?: unknown } }).route?.path;
  if (typeof route !== "string") return undefined;
  // A router's own root ("/" under /api/messages) is the mount path itself.
  return route === "/" && req.baseUrl ? req.baseUrl : `${req.baseUrl}${route}`;
}

function contextAttributes(context: RequestContext): Attributes {
  return {
    "throughline.request_id": context.requestId,
    ...(context.tenantId ? { "throughline.tenant_id": context.tenantId } : {}),
    ...(context.callerId ? { "enduser.id": context.callerId } : {}),
    ...(context.activityId ? { "throughline.activity_id": context.activityId } : {}),
    ...(context.activityType ? { "throughline.activity_type": context.activityType } : {}),
  };
}
