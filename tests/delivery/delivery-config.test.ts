import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const base = { BOT_DEV_MODE: "true" };

describe("delivery configuration", () => {
  it("runs the workers by default, but not under test unless asked", () => {
    expect(loadConfig({ ...base }, { dev: true }).delivery).toEqual({
      workers: true,
      plannerIntervalSeconds: 60,
      horizonHours: 24,
      tenantPerSecond: 50,
      lanes: 2,
      visibilitySeconds: 60,
      maxAttempts: 5,
      queueShards: 4,
    });
    expect(loadConfig({ ...base, NODE_ENV: "test" }, { dev: true }).delivery.workers).toBe(false);
    expect(loadConfig({ ...base, NODE_ENV: "test", DELIVERY_WORKERS: "true" }, { dev: true }).delivery.workers).toBe(
      true,
    );
    expect(loadConfig({ ...base, DELIVERY_TENANT_PER_SECOND: "250" }, { dev: true }).delivery.tenantPerSecond).toBe(
      250,
    );
  });

  it("names the variable of a bad value", () => {
    expect(() => loadConfig({ ...base, DELIVERY_WORKERS: "maybe" }, { dev: true })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, DELIVERY_PLANNER_INTERVAL_SECONDS: "1" }, { dev: true })).toThrow(
      /^config: DELIVERY_PLANNER_INTERVAL_SECONDS: must be 5 to 86400 \(got "1"\)$/,
    );
    expect(() => loadConfig({ ...base, DELIVERY_TENANT_PER_SECOND: "fast" }, { dev: true })).toThrow(
      /DELIVERY_TENANT_PER_SECOND: must be a number/,
    );
    expect(() => loadConfig({ ...base, DELIVERY_QUEUE_SHARDS: "0" }, { dev: true })).toThrow(
      /^config: DELIVERY_QUEUE_SHARDS: /,
    );
    expect(loadConfig({ ...base, DELIVERY_QUEUE_SHARDS: "8" }, { dev: true }).delivery.queueShards).toBe(8);
  });
});
