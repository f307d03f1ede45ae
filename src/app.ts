import express, { type Express, type RequestHandler } from "express";
import type { InFlightRequests } from "./http-drain.js";
import type { Logger } from "./logger.js";
import type { Storage } from "./storage/index.js";
import { noTelemetry, requestTelemetry, type Telemetry } from "./telemetry/index.js";

export interface AppDeps {
  storage: Pick<Storage, "ping">;
  logger: Logger;
  /** How long /readyz waits for storage before it says not ready. */
  readinessTimeoutMs?: number;
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

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    try {
      await withTimeout(deps.storage.ping(), deps.readinessTimeoutMs ?? 3_000);
      res.json({ status: "ready" });
    } catch (error) {
      deps.logger.warn({ err: error }, "storage is not reachable");
      res.status(503).json({ status: "unavailable", reason: "storage is not reachable" });
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

  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
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
