import type { Express } from "express";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/api/index.js";
import { composeThroughline } from "../../src/composition.js";
import { testStorage } from "../support/storage.js";
import { testConfig } from "../support/test-config.js";

interface Layer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route the app answers, found by walking express's router stack (mounts included). */
function mountedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          found.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle?.stack) {
        const path = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
        walk(layer.handle.stack, `${prefix}${path}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, "");
  return found;
}

/** The OpenAPI document's operations, as "METHOD /api/v1/path/:param". */
function describedRoutes(): string[] {
  const paths = openApiDocument().paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ":$1")}`),
  );
}

describe("the OpenAPI document", () => {
  it("describes every route mounted under /api/v1, and nothing that is not mounted", async () => {
    // Production's composition (no dev sign-in routes, which exist only in dev mode).
    const { app } = await composeThroughline(
      testConfig({ AUTH_CLIENT_ID: "11111111-2222-4333-8444-555555555555", BOT_DEV_MODE: "true" }),
      {
        storage: await testStorage(),
        logger: pino({ level: "silent" }),
      },
    );
    const mounted = mountedRoutes(app).filter((r) => r.split(" ")[1]?.startsWith("/api/v1/"));
    const described = describedRoutes();
    expect(mounted.length).toBeGreaterThan(30);
    // Path parameter names may differ between a route and its description (":id" vs "{programId}").
    const shape = (r: string) => r.replace(/:\w+/g, ":param");
    const undescribed = mounted.filter((r) => !described.map(shape).includes(shape(r)));
    const unmounted = described.filter((r) => !mounted.map(shape).includes(shape(r)));
    expect(undescribed, "mounted but not in src/api/openapi.ts").toEqual([]);
    expect(unmounted, "in src/api/openapi.ts but not mounted").toEqual([]);
  });

  it("walks the real router: the bot endpoint and health routes are found too", async () => {
    const { app } = await composeThroughline(
      testConfig({ AUTH_CLIENT_ID: "11111111-2222-4333-8444-555555555555", BOT_DEV_MODE: "true" }),
      {
        storage: await testStorage(),
        logger: pino({ level: "silent" }),
      },
    );
    expect(mountedRoutes(app)).toEqual(
      expect.arrayContaining(["GET /healthz", "GET /readyz", "POST /api/messages/", "POST /api/v1/kpi-values"]),
    );
  });
});
