import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // One real Azurite for the whole run, on free ports; each test file works in tenants of its own.
    globalSetup: ["tests/support/azurite-global-setup.ts"],
    // Generous on purpose: the limits catch a hang, not slowness; tests wait on events and assert no speed, so a
    // busy machine (2 cores shared by many processes) makes them slower, never red.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll waits for an event (a row written, a card shown): 1 s by default, far too little under load.
    expect: { poll: { timeout: 60_000 } },
    pool: "forks",
  },
});
