import { describe, expect, it } from "vitest";
import { composeThroughline } from "../../src/composition.js";
import { testStorage } from "../support/storage.js";
import { testConfig } from "../support/test-config.js";

/** How long stop() may take here at most: far above a busy machine's storage calls, far below the sweep's period. */
const GENEROUS_MS = 90_000;

describe("stopping the background loops", () => {
  it("does not wait out the rollup sweep's period when stop() comes while a sweep is under way", async () => {
    // An hour between sweeps: a stop that waited for the next one would take an hour.
    const config = testConfig({ ROLLUP_SWEEP_SECONDS: "3600", BOT_DEV_MODE: "true", AUTH_DEV_MODE: "true" });
    const app = await composeThroughline(config, {
      storage: await testStorage(),
    });
    app.startBackground();
    // The sweep at start has begun (its first storage call is on its way); stop now, mid-sweep.
    const stopped = app.stop().then(() => "stopped" as const);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<"still waiting">((resolve) => {
      timer = setTimeout(() => resolve("still waiting"), GENEROUS_MS);
    });
    expect(await Promise.race([stopped, limit])).toBe("stopped");
    clearTimeout(timer);
  }, 120_000);
});
