import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe } from "vitest";
import type { ProactiveMessenger } from "../../bot/index.js";
import type { Conversation } from "../../src/domain/index.js";
import { messengerFor } from "../delivery/support.js";
import { messengerContract } from "../messaging/messenger-contract.js";
import { type BotConnectorSimulator, startBotConnectorSimulator } from "../support/bot-connector-simulator.js";

const appId = randomUUID();
let sim: BotConnectorSimulator;
let messenger: ProactiveMessenger;

beforeAll(async () => {
  sim = await startBotConnectorSimulator({ appId, appPassword: "s3cret" });
  messenger = messengerFor(sim, appId, "s3cret");
});
afterAll(() => sim.close());

describe("Messenger contract: ProactiveMessenger (botbuilder) over the Bot Connector simulator", () => {
  messengerContract(() => ({
    messenger,
    teams: sim,
    conversation: (): Conversation => ({
      tenantId: randomUUID(),
      objectId: randomUUID(),
      conversationId: `a:${randomUUID()}`,
      serviceUrl: sim.serviceUrl,
      botId: `28:${appId}`,
      reachable: true,
      reachableSince: null,
      unreachableReason: null,
      pausedUntil: null,
      updatedAt: new Date().toISOString(),
    }),
  }));
});
