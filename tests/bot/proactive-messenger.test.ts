import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotAdapter, ProactiveMessenger } from "../../bot/index.js";
import type { BotConfig } from "../../src/config.js";
import type { Conversation } from "../../src/domain/index.js";
import { SendFailure } from "../../src/messaging/index.js";
import { type BotConnectorSimulator, startBotConnectorSimulator } from "../support/bot-connector-simulator.js";

const appId = randomUUID();
const appPassword = "s3cret";
let sim: BotConnectorSimulator;

function botConfigFor(simulator: BotConnectorSimulator, overrides: Partial<BotConfig> = {}): BotConfig {
  return {
    appId,
    appPassword,
    appType: "MultiTenant",
    appTenantId: "",
    devMode: false,
    loginUrl: simulator.loginUrl,
    openIdMetadataUrl: simulator.openIdMetadataUrl,
    channelIssuer: simulator.issuer,
    allowedTenantIds: [],
    ...overrides,
  };
}

function conversationWith(id: string): Conversation {
  return {
    tenantId: randomUUID(),
    objectId: randomUUID(),
    conversationId: id,
    serviceUrl: sim.serviceUrl,
    botId: `28:${appId}`,
    reachable: true,
    reachableSince: null,
    unreachableReason: null,
    pausedUntil: null,
    updatedAt: new Date().toISOString(),
  };
}

const card = {
  card: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "Hi" }] },
  summary: "Hi",
};

beforeAll(async () => {
  sim = await startBotConnectorSimulator({ appId, appPassword });
});
afterAll(() => sim.close());

// What every Messenger must do is in proactive-messenger.contract.test.ts; these are botbuilder's own cases.
describe("ProactiveMessenger over the Bot Connector simulator", () => {
  it("fails without a valid app secret and the connector accepts nothing", async () => {
    const otherId = randomUUID();
    const wrong = new ProactiveMessenger(
      createBotAdapter(botConfigFor(sim, { appId: otherId, appPassword: "nope" })),
      otherId,
    );
    const conversation = conversationWith(`a:${randomUUID()}`);
    await expect(wrong.send(conversation, card)).rejects.toBeInstanceOf(SendFailure);
    expect(sim.accepted(conversation.conversationId)).toBe(0);
  });
});
