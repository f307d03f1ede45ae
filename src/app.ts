import express, { type Express, type RequestHandler } from "express";
import { jsonErrorHandler, jsonNotFound, securityHeaders } from "./http/index.js";
import type { InFlightRequests } from "./http-drain.js";
import type { Logger } from "./logger.js";
import type { Storage } from "./storage/index.js";
import { noTelemetry, requestTelemetry, type Telemetry } from "./telemetry/index.js";

export interface AppDeps {
  storage: Pick<Storage, "ping">;
  logger: Logger;
  /** How long /readyz waits for storage before it says not ready. */
  readinessTimeoutMs?: number;
  /** What a 503 says to wait while storage is unavailable (STORAGE_RETRY_AFTER_SECONDS). */
  retryAfterSeconds?: number;
  /** The app's parts (bot endpoint, API, tab) mounted at their paths; each brings its own auth. */
  mounts?: { path: string; handler: RequestHandler }[];
  /** Spans and request metrics; off (no-op) unless given. */
  telemetry?: Pick<Telemetry, "tracer" | "meter">;
  /** Counts the requests being answered, for a graceful shutdown. */
  inFlight?: InFlightRequests;
}

/** Builds the HTTP app from its dependencies; listening is the caller's job, so tests run it on port 0. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // First, so every request is counted, traced and logged, whatever answers it.
  if (deps.inFlight) app.use(deps.inFlight.middleware);
  app.use(requestTelemetry({ logger: deps.logger, telemetry: deps.telemetry ?? noTelemetry() }));
  const retryAfterSeconds = deps.retryAfterSeconds ?? 5;
  app.use(securityHeaders);

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    const timeoutMs = deps.readinessTimeoutMs ?? 3_000;
    try {
      await withTimeout(deps.storage.ping(), timeoutMs);
      res.json({ status: "ready" });
    } catch (error) {
      const reason = unreadyReason(error, timeoutMs);
      deps.logger.warn({ err: error, reason }, "not ready");
      res.setHeader("Retry-After", String(retryAfterSeconds));
      res.status(503).json({ status: "unavailable", reason });
    }
  });

  for (const mount of deps.mounts ?? []) app.use(mount.path, mount.handler);

  app.get("/", (_req, res) => {
    res.json({
      name: "Throughline",
      about: "In-the-flow manager reinforcement for Microsoft Teams",
      links: { health: "/healthz", readiness: "/readyz" },
    });
  });
  app.use(jsonNotFound);
  app.use(jsonErrorHandler(deps.logger, retryAfterSeconds));
  return app;
}

class ReadinessTimeout extends Error {}

/** Why storage is not ready, in words an operator can act on (no secrets: codes and timings only). */
function unreadyReason(error: unknown, timeoutMs: number): string {
  if (error instanceof ReadinessTimeout) return `storage is not reachable: no answer within ${timeoutMs} ms`;
  const { code, statusCode, name } = (error ?? {}) as { code?: unknown; statusCode?: unknown; name?: unknown };
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return `storage is not reachable: ${code}`;
  if (name === "AbortError" || name === "TimeoutError") return "storage is not reachable: the call timed out";
  if (typeof statusCode === "number") return `storage is not reachable: it answered HTTP ${statusCode}`;
  return "storage is not reachable";
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new ReadinessTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
