import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";

const withBot = {
  NODE_ENV: "development",
  BOT_ID: "6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
  BOT_PASSWORD: "secret",
  ALLOWED_TENANT_IDS: "0f6b5c7e-1d2a-4b3c-8d4e-5f6a7b8c9d0e",
};

describe("Teams app and playground settings", () => {
  it("default to a development app id, the local address and the playground in dev mode", () => {
    const config = loadConfig({ PORT: "4000" }, { dev: true });
    expect(config.teamsApp).toEqual({
      appId: "3f0c6e1a-7b2d-4c8e-9a5f-1d2e3f4a5b6c",
      baseUrl: "http://localhost:4000",
    });
    expect(config.playground).toEqual({ enabled: true, port: 56150 });
  });

  it("read TEAMS_APP_ID, APP_BASE_URL (without a trailing slash) and PLAYGROUND_PORT", () => {
    const config = loadConfig(
      {
        ...withBot,
        TEAMS_APP_ID: "11111111-2222-4333-8444-555555555555",
        APP_BASE_URL: "https://throughline.contoso.example/",
        PLAYGROUND_PORT: "56151",
      },
      { dev: true },
    );
    expect(config.teamsApp).toEqual({
      appId: "11111111-2222-4333-8444-555555555555",
      baseUrl: "https://throughline.contoso.example",
    });
    expect(config.playground).toEqual({ enabled: false, port: 56151 });
  });

  it.each([
    [{ TEAMS_APP_ID: "not-a-guid" }, "config: TEAMS_APP_ID: must be a GUID"],
    [{ APP_BASE_URL: "ftp://x.example" }, "config: APP_BASE_URL: must be an http(s) URL"],
    [{ PLAYGROUND_PORT: "0" }, "config: PLAYGROUND_PORT: must be 1 to 65535"],
    [{ ...withBot, PLAYGROUND: "true" }, "config: PLAYGROUND: needs BOT_DEV_MODE=true"],
  ])("refuse %j", (env, message) => {
    expect(() => loadConfig(env, { dev: true })).toThrow(message);
  });

  it("never start the playground in production", () => {
    const production = {
      ...withBot,
      NODE_ENV: "production",
      STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
      API_KEY_PEPPER: "p".repeat(32),
      AUTH_CLIENT_ID: withBot.BOT_ID,
    };
    expect(loadConfig(production).playground.enabled).toBe(false);
  });
});
