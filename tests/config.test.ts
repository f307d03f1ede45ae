import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { DEMO_TENANT_ID } from "../src/demo/index.js";

const BOT_ID = "2b7f0c3e-1d4a-4c5b-8e9f-0a1b2c3d4e5f";
const TENANT = "0b6e1c52-4a0f-4b7e-9d8e-2f3a4b5c6d7e";
const azure = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net";

/** Errors as `npm start` (--dev) would meet them, except in production, where --dev is itself refused. */
function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env, { dev: env.NODE_ENV !== "production" });
    return "";
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe("config", () => {
  it("needs nothing to run locally: embedded Azurite on disk, demo data, port 3978, bot in dev mode", () => {
    const config = loadConfig({}, { dev: true });
    expect(config).toMatchObject({
      env: "development",
      port: 3978,
      storage: { kind: "embedded", persistence: "disk", location: ".data/azurite" },
      seedDemoData: true,
    });
    expect(config.bot).toMatchObject({ devMode: true, appId: "", allowedTenantIds: [DEMO_TENANT_ID] });
  });

  it("uses Azure Storage when configured, and then seeds nothing unless asked", () => {
    expect(loadConfig({ STORAGE_CONNECTION_STRING: azure }, { dev: true })).toMatchObject({
      storage: { kind: "connectionString", connectionString: azure },
      seedDemoData: false,
    });
    expect(loadConfig({ STORAGE_ACCOUNT_NAME: "throughlineprod", SEED_DEMO_DATA: "yes" }, { dev: true })).toMatchObject(
      {
        storage: { kind: "account", accountName: "throughlineprod" },
        seedDemoData: true,
      },
    );
  });

  it("relaxes nothing unless the start command asks for dev mode, and never in production", () => {
    expect(() => loadConfig({})).toThrow("config: BOT_ID: is required unless BOT_DEV_MODE=true");
    const production = {
      NODE_ENV: "production",
      STORAGE_CONNECTION_STRING: azure,
      BOT_ID,
      BOT_PASSWORD: "secret",
      ALLOWED_TENANT_IDS: TENANT,
      API_KEY_PEPPER: "p".repeat(32),
      AUTH_CLIENT_ID: BOT_ID,
    };
    expect(loadConfig(production).bot.devMode).toBe(false);
    expect(() => loadConfig(production, { dev: true })).toThrow(
      "config: NODE_ENV: is production, so the app must not be started with --dev",
    );
  });

  it("runs in production only with real storage and a real bot identity", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      STORAGE_CONNECTION_STRING: azure,
      BOT_ID,
      BOT_PASSWORD: "secret",
      ALLOWED_TENANT_IDS: `${TENANT}, ${DEMO_TENANT_ID}`,
      API_KEY_PEPPER: "p".repeat(32),
      AUTH_CLIENT_ID: BOT_ID,
    });
    expect(config.bot).toMatchObject({ devMode: false, appId: BOT_ID, allowedTenantIds: [TENANT, DEMO_TENANT_ID] });
  });

  it.each([
    [{ PORT: "eighty" }, 'config: PORT: must be a number (got "eighty")'],
    [{ PORT: "70000" }, 'config: PORT: must be 0 to 65535 (got "70000")'],
    [{ NODE_ENV: "staging" }, 'config: NODE_ENV: must be development, production or test (got "staging")'],
    [{ LOG_LEVEL: "loud" }, 'config: LOG_LEVEL: must be fatal, error, warn, info, debug, trace or silent (got "loud")'],
    [
      { STORAGE_CONNECTION_STRING: "hello" },
      "config: STORAGE_CONNECTION_STRING: must be an Azure Storage connection string",
    ],
    [{ STORAGE_ACCOUNT_NAME: "Bad_Name" }, "config: STORAGE_ACCOUNT_NAME: must be a storage account name"],
    [
      { STORAGE_CONNECTION_STRING: azure, STORAGE_ACCOUNT_NAME: "acct" },
      "config: STORAGE_ACCOUNT_NAME: set only one of",
    ],
    [{ SEED_DEMO_DATA: "maybe" }, 'config: SEED_DEMO_DATA: must be true or false (got "maybe")'],
    [{ AZURITE_PERSISTENCE: "tape" }, "config: AZURITE_PERSISTENCE: must be disk or memory"],
    [{ NODE_ENV: "production" }, "config: STORAGE_CONNECTION_STRING: is required in production"],
    [{ NODE_ENV: "production", STORAGE_CONNECTION_STRING: azure }, "config: BOT_ID: is required in production"],
    [
      { NODE_ENV: "production", STORAGE_CONNECTION_STRING: azure, BOT_ID, BOT_PASSWORD: "x", BOT_DEV_MODE: "true" },
      "config: BOT_DEV_MODE: must not be true in production",
    ],
    [{ BOT_ID }, "config: BOT_PASSWORD: is required with BOT_ID for BOT_TYPE=MultiTenant"],
    [{ BOT_ID: "my-bot" }, "config: BOT_ID: must be the bot's Entra app id (a GUID)"],
    [
      { BOT_ID, BOT_PASSWORD: "x", BOT_TYPE: "SingleTenant" },
      "config: BOT_TENANT_ID: is required for BOT_TYPE=SingleTenant",
    ],
    [{ BOT_ID, BOT_PASSWORD: "x" }, "config: ALLOWED_TENANT_IDS: must name at least one tenant"],
    [{ ALLOWED_TENANT_IDS: "contoso" }, "config: ALLOWED_TENANT_IDS: must be a comma-separated list of tenant ids"],
    [{ BOT_DEV_MODE: "false" }, "config: BOT_ID: is required unless BOT_DEV_MODE=true"],
    [
      {
        NODE_ENV: "production",
        STORAGE_CONNECTION_STRING: azure,
        BOT_ID,
        BOT_PASSWORD: "x",
        ALLOWED_TENANT_IDS: TENANT,
      },
      "config: API_KEY_PEPPER: is required in production",
    ],
  ])("stops on %o with one line naming the variable", (env, message) => {
    const error = errorOf(env);
    expect(error.startsWith(message)).toBe(true);
    expect(error).not.toContain("\n");
  });
});
