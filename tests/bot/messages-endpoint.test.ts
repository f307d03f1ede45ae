import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createBotAdapter,
  createMessagesRouter,
  ProactiveMessenger,
  renderDeliveryCard,
  ThroughlineBot,
} from "../../bot/index.js";
import { createApp } from "../../src/app.js";
import type { BotConfig } from "../../src/config.js";
import type { Storage } from "../../src/storage/index.js";
import { drain, messengerFor, workerFor } from "../delivery/support.js";
import { type BotConnectorSimulator, startBotConnectorSimulator } from "../support/bot-connector-simulator.js";
import { newTenantId, storageWithOwnQueue } from "../support/storage.js";
import { seedBotTenant } from "./support/bot-fixtures.js";
import { textOf } from "./support/card-validation.js";

const appId = randomUUID();
const now = new Date("2026-11-24T12:00:00.000Z");
const logger = pino({ level: "silent" });
let sim: BotConnectorSimulator;
let storage: Storage;
let tenantId: string;
let seeded: Awaited<ReturnType<typeof seedBotTenant>>;
let server: Server;
let endpoint: string;
let botConfig: BotConfig;

beforeAll(async () => {
  sim = await startBotConnectorSimulator({ appId, appPassword: "secret" });
  storage = await storageWithOwnQueue();
});
afterAll(async () => {
  await sim.close();
});

beforeEach(async () => {
  tenantId = newTenantId();
  seeded = await seedBotTenant(storage, tenantId, now);
  botConfig = {
    appId,
    appPassword: "secret",
    appType: "MultiTenant",
    appTenantId: "",
    devMode: false,
    loginUrl: sim.loginUrl,
    openIdMetadataUrl: sim.openIdMetadataUrl,
    channelIssuer: sim.issuer,
    allowedTenantIds: [tenantId],
  };
  endpoint = await listen(botConfig, "test");
});
afterEach(() => {
  server.closeAllConnections();
  server.close();
});

/** The real app with the real bot endpoint, on a free port. */
async function listen(config: BotConfig, env: "development" | "production" | "test"): Promise<string> {
  const bot = new ThroughlineBot({
    storage,
    now: () => now,
    settings: { tabUrl: "https://teams.example/tab" },
    logger,
  });
  const messages = createMessagesRouter({ adapter: createBotAdapter(config), bot, config, env, logger });
  server?.closeAllConnections();
  server?.close();
  server = createApp({ storage, logger, mounts: [{ path: "/api/messages", handler: messages }] }).listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
}

function activityFrom(objectId: string, conversationId: string, extra: Record<string, unknown>) {
  return {
    id: randomUUID(),
    channelId: "msteams",
    serviceUrl: sim.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `29:${objectId}`, aadObjectId: objectId, name: "Maya Manager" },
    recipient: { id: `28:${appId}`, name: "Throughline" },
    conversation: { id: conversationId, conversationType: "personal", tenantId },
    channelData: { tenant: { id: tenantId } },
    ...extra,
  };
}

async function post(body: unknown, token?: string | null) {
  const bearer = token === undefined ? await sim.channelToken() : token;
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

function cardsPosted(conversationId: string) {
  return sim
    .activities(conversationId)
    .map((a) => ({ ...a, card: (a.body.attachments as { content: unknown }[] | undefined)?.[0]?.content }));
}

describe("POST /api/messages with tokens the channel signed", () => {
  it("install stores the conversation, and the welcome card, queued, lands on the Bot Connector", async () => {
    const conversationId = `a:${randomUUID()}`;
    const result = await post(
      activityFrom(seeded.manager, conversationId, { type: "installationUpdate", action: "add" }),
    );
    expect(result.status).toBe(200);
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value).toMatchObject({
      conversationId,
      serviceUrl: sim.serviceUrl,
      reachable: true,
    });
    // The delivery workers send it, within the tenant's budget.
    expect(cardsPosted(conversationId)).toEqual([]);
    await drain(workerFor(storage, messengerFor(sim, appId, "secret")));
    const posted = cardsPosted(conversationId);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.method).toBe("POST");
    expect(textOf(posted[0]?.card)).toContain("Hi Maya");
  });

  it("a typed command is answered on the Bot Connector", async () => {
    const conversationId = `a:${randomUUID()}`;
    const result = await post(activityFrom(seeded.manager, conversationId, { type: "message", text: "what's due" }));
    expect(result.status).toBe(200);
    expect(textOf(cardsPosted(conversationId)[0]?.card)).toContain("Count the open questions");
  });

  it("Action.Execute answers with the new card in the HTTP response and records the completion", async () => {
    const conversationId = `a:${randomUUID()}`;
    const data = { verb: "challenge.done", deliveryId: seeded.deliveries.challenge.id };
    const result = await post(
      activityFrom(seeded.manager, conversationId, {
        type: "invoke",
        name: "adaptiveCard/action",
        value: { action: { type: "Action.Execute", verb: "challenge.done", data }, trigger: "manual" },
      }),
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    expect(textOf(result.body?.value)).toContain("Done — 24 Nov");
    expect((await storage.deliveries.get(tenantId, seeded.manager, data.deliveryId))?.value.status).toBe("completed");
  });

  it("an Action.Submit fallback replaces the clicked card with a PUT on the Bot Connector", async () => {
    const conversationId = `a:${randomUUID()}`;
    const result = await post(
      activityFrom(seeded.manager, conversationId, {
        type: "message",
        replyToId: "card-1",
        value: { verb: "guide.done", deliveryId: seeded.deliveries.talk.id },
      }),
    );
    expect(result.status).toBe(200);
    const [update] = cardsPosted(conversationId);
    expect(update).toMatchObject({ method: "PUT", activityId: "card-1" });
    expect(textOf(update?.card)).toContain("Used — 24 Nov");
  });

  it("a delivery card sent proactively, the way the delivery pipeline sends it, lands in the stored conversation", async () => {
    const conversationId = `a:${randomUUID()}`;
    await post(activityFrom(seeded.manager, conversationId, { type: "installationUpdate", action: "add" }));
    const conversation = (await storage.conversations.get(tenantId, seeded.manager))?.value;
    if (!conversation) throw new Error("install did not store the conversation");
    const { checklist } = seeded.deliveries;
    const asset = seeded.assets.find((a) => a.id === checklist.assetId);
    if (!asset) throw new Error("fixture");
    const card = renderDeliveryCard(checklist, asset, { team: seeded.team, program: seeded.program });
    const { activityId } = await new ProactiveMessenger(createBotAdapter(botConfig), appId).send(conversation, card);
    const sent = cardsPosted(conversationId).find((a) => a.activityId === activityId);
    expect(textOf(sent?.card)).toContain("Observation checklist · North sales");
  });
});

describe("requests the endpoint refuses change nothing", () => {
  async function expectNothingWritten(conversationId: string) {
    expect(await storage.conversations.get(tenantId, seeded.manager)).toBeUndefined();
    expect((await storage.deliveries.get(tenantId, seeded.manager, seeded.deliveries.challenge.id))?.value.status).toBe(
      "sent",
    );
    expect((await storage.challengeCompletions.forPerson(tenantId, seeded.manager)).items).toEqual([]);
    expect(cardsPosted(conversationId)).toEqual([]);
  }

  /** Each would write if it got through: an install, and a challenge completion. */
  function writes(conversationId: string, change: Record<string, unknown> = {}) {
    const base = (extra: Record<string, unknown>) => ({
      ...activityFrom(seeded.manager, conversationId, extra),
      ...change,
    });
    return [
      base({ type: "installationUpdate", action: "add" }),
      base({
        type: "invoke",
        name: "adaptiveCard/action",
        value: {
          action: {
            type: "Action.Execute",
            verb: "challenge.done",
            data: { verb: "challenge.done", deliveryId: seeded.deliveries.challenge.id },
          },
        },
      }),
    ];
  }

  it.each([
    ["no token", async () => null],
    ["a forged token (a key the channel does not publish)", () => sim.channelToken({ signWithUnknownKey: true })],
    ["an expired token", () => sim.channelToken({ expiresInSeconds: -600 })],
    ["a token for another bot (wrong audience)", () => sim.channelToken({ audience: randomUUID() })],
    ["a token from another issuer", () => sim.channelToken({ issuer: "https://login.example" })],
    ["a token for another serviceUrl", () => sim.channelToken({ serviceUrl: "https://smba.example/" })],
  ])("%s gets 401", async (_label, token) => {
    const conversationId = `a:${randomUUID()}`;
    for (const body of writes(conversationId)) expect((await post(body, await token())).status).toBe(401);
    await expectNothingWritten(conversationId);
  });

  it("a tenant this deployment does not serve gets 403", async () => {
    const conversationId = `a:${randomUUID()}`;
    const other = newTenantId();
    const change = { channelData: { tenant: { id: other } } };
    for (const body of writes(conversationId, change)) expect((await post(body)).status).toBe(403);
    const missing = { channelData: {} };
    for (const body of writes(conversationId, missing)) expect((await post(body)).status).toBe(403);
    await expectNothingWritten(conversationId);
    expect(await storage.conversations.get(other, seeded.manager)).toBeUndefined();
  });

  it("a channel other than Teams gets 401 (the channel's key is endorsed for msteams only)", async () => {
    const conversationId = `a:${randomUUID()}`;
    const statuses: number[] = [];
    for (const channelId of ["webchat", "emulator", "directline"])
      for (const body of writes(conversationId, { channelId })) statuses.push((await post(body)).status);
    expect(statuses.every((s) => s === 401)).toBe(true);
    await expectNothingWritten(conversationId);
  });

  it("a body that is not an activity gets 400", async () => {
    expect((await post([1, 2, 3])).status).toBe(400);
    expect((await post({ text: "no type" })).status).toBe(400);
  });
});

describe("dev mode", () => {
  it("is refused without an app id unless explicit, and always in production", () => {
    const bot = new ThroughlineBot({ storage, now: () => now, settings: { tabUrl: "x" }, logger });
    const adapter = createBotAdapter(botConfig);
    const anonymous = { ...botConfig, appId: "", appPassword: "" };
    expect(() =>
      createMessagesRouter({ adapter, bot, config: { ...anonymous, devMode: false }, env: "development", logger }),
    ).toThrow(/BOT_DEV_MODE/);
    expect(() =>
      createMessagesRouter({ adapter, bot, config: { ...anonymous, devMode: true }, env: "production", logger }),
    ).toThrow(/production/);
  });

  it("accepts unauthenticated requests but still serves only Teams and the allowed tenants", async () => {
    // Like the Agents Playground: a local connector that asks for no token either.
    const open = await startBotConnectorSimulator({});
    try {
      endpoint = await listen({ ...botConfig, appId: "", appPassword: "", devMode: true }, "development");
      const conversationId = `a:${randomUUID()}`;
      const help = {
        ...activityFrom(seeded.manager, conversationId, { type: "message", text: "help" }),
        serviceUrl: open.serviceUrl,
      };
      expect((await post(help, null)).status).toBe(200);
      expect(textOf(open.activities(conversationId)[0]?.body.attachments)).toContain("Hi Maya");
      expect((await post({ ...help, channelData: { tenant: { id: newTenantId() } } }, null)).status).toBe(403);
      expect((await post({ ...help, channelId: "webchat" }, null)).status).toBe(403);
      expect(open.activities(conversationId)).toHaveLength(1);
    } finally {
      await open.close();
    }
  });
});
