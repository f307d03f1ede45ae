import { inject } from "vitest";
import { type Config, loadConfig } from "../../src/config.js";

/** Long enough for the config's production rule, so tests run the same validation as a deployment. */
export const TEST_API_KEY_PEPPER = "throughline-test-pepper-0123456789abcdef";

/**
 * The app's configuration as a deployment would give it, through the same `loadConfig`, pointed at the test
 * run's Azurite; `env` adds or overrides variables (simulators' URLs, ids). No background loops unless asked.
 */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    STORAGE_CONNECTION_STRING: inject("storageConnectionString"),
    API_KEY_PEPPER: TEST_API_KEY_PEPPER,
    DELIVERY_WORKERS: "false",
    ...env,
  });
}
