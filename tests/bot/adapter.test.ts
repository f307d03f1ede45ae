import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBotAdapter } from "../../bot/index.js";
import { type BotConnectorSimulator, startBotConnectorSimulator } from "../support/bot-connector-simulator.js";

const appId = randomUUID();
let sim: BotConnectorSimulator;
let endpoint: string;
let close: () => void;
const received: string[] = [];

beforeAll(async () => {
  sim = await startBotConnectorSimulator({ appId, appPassword: "pw" });
  const adapter = createBotAdapter({
    appId,
    appPassword: "pw",
    appType: "MultiTenant",
    appTenantId: "",
    devMode: false,
    loginUrl: sim.loginUrl,
    openIdMetadataUrl: sim.openIdMetadataUrl,
    channelIssuer: sim.issuer,
    allowedTenantIds: [],
  });
  const app = express();
  app.use(express.json());
  app.post("/api/messages", (req, res) => {
    void adapter.process(req, res, async (context) => {
      received.push(context.activity.text ?? "");
    });
  });
  const server = app.listen(0);
  await new Promise((r) => server.once("listening", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  close = () => server.close();
});
afterAll(async () => {
  close();
  await sim.close();
});

function activity(text: string) {
  return {
    type: "message",
    id: randomUUID(),
    text,
    channelId: "msteams",
    serviceUrl: sim.serviceUrl,
    from: { id: "29:user", aadObjectId: randomUUID() },
    recipient: { id: `28:${appId}` },
    conversation: { id: `a:${randomUUID()}` },
    channelData: { tenant: { id: randomUUID() } },
  };
}

async function post(text: string, token?: string) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(activity(text)),
  });
  return response.status;
}

describe("the bot adapter's inbound JWT validation against the channel's OpenID keys", () => {
  it("accepts a request the channel signed for this bot", async () => {
    expect(await post("valid", await sim.channelToken())).toBe(200);
    expect(received).toContain("valid");
  });

  it.each([
    ["no token", async () => undefined],
    ["a key the channel does not publish", async () => sim.channelToken({ signWithUnknownKey: true })],
    ["an expired token", async () => sim.channelToken({ expiresInSeconds: -600 })],
    ["another bot's audience", async () => sim.channelToken({ audience: randomUUID() })],
    ["another issuer", async () => sim.channelToken({ issuer: "https://evil.example" })],
    ["another serviceUrl", async () => sim.channelToken({ serviceUrl: "https://other.example/" })],
  ])("refuses %s with 401 and runs no bot logic", async (label, token) => {
    expect(await post(label, await token())).toBe(401);
    expect(received).not.toContain(label);
  });
});
