import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { createBotAdapter, createMessagesRouter, inputIds, renderDeliveryCard, ThroughlineBot } from "../bot/index.js";
import { createApp } from "../src/app.js";
import type { BotConfig } from "../src/config.js";
import { startAzurite } from "../src/dev/azurite.js";
import { openStorage, storageAccount } from "../src/storage/index.js";
import { botProgram, sentDelivery } from "../tests/bot/support/bot-fixtures.js";
import { startBotConnectorSimulator } from "../tests/support/bot-connector-simulator.js";

/**
 * Bot benchmark: card rendering in-process, then card actions and a command over HTTP through the real
 * endpoint (JWT validated against the local Bot Connector simulator's keys) on a fresh in-memory Azurite.
 * Sequential requests, so the figures are latencies, not throughput under load.
 */
const RENDERS = Number(process.env.RENDERS ?? 5_000);
const ACTIONS = Number(process.env.ACTIONS ?? 200);
const COMMANDS = Number(process.env.COMMANDS ?? 100);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const round = (n: number) => Math.round(n * 100) / 100;

async function time(label: string, n: number, request: (i: number) => Promise<void>) {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await request(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const result = { p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), n };
  console.log(`${label}: p50 ${result.p50} ms, p95 ${result.p95} ms (${n})`);
  return result;
}

const azurite = await startAzurite();
const appId = randomUUID();
const sim = await startBotConnectorSimulator({
  appId,
  appPassword: "secret",
  conversationLimits: false,
  perSecond: 10_000,
});
try {
  const storage = openStorage(storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }));
  await storage.ensure();
  const tenantId = randomUUID();
  const { team, otherTeam, program, assets } = botProgram(tenantId);
  await storage.teams.save(team);
  await storage.teams.save(otherTeam);
  await storage.programs.save(program);
  for (const asset of assets) await storage.assets.save(asset);
  const manager = team.manager.objectId;
  const now = new Date();

  const render: Record<string, { microsecondsPerCard: number; bytes: number }> = {};
  for (const asset of assets) {
    const entry = { challenge: "challenge-1", talk: "talk-1", guide: "guide-1", checklist: "checklist-1" };
    const scheduleEntryId = Object.entries(entry).find(([, id]) => id === asset.id)?.[0] ?? "nudge";
    const delivery = sentDelivery(program, team, asset.id, manager, now, scheduleEntryId);
    const started = performance.now();
    let bytes = 0;
    for (let i = 0; i < RENDERS; i++)
      bytes = JSON.stringify(renderDeliveryCard(delivery, asset, { team, program }).card).length;
    render[asset.kind] = { microsecondsPerCard: round(((performance.now() - started) * 1000) / RENDERS), bytes };
    console.log(`render ${asset.kind}: ${render[asset.kind]?.microsecondsPerCard} µs per card, ${bytes} bytes`);
  }

  const config: BotConfig = {
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
  const logger = pino({ level: "silent" });
  const bot = new ThroughlineBot({
    storage,
    now: () => new Date(),
    settings: { tabUrl: "https://teams.example/tab" },
    logger,
  });
  const router = createMessagesRouter({ adapter: createBotAdapter(config), bot, config, env: "test", logger });
  const server = createApp({ storage, logger, mounts: [{ path: "/api/messages", handler: router }] }).listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  const token = await sim.channelToken();
  const post = async (body: Record<string, unknown>) => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({
        id: randomUUID(),
        channelId: "msteams",
        serviceUrl: sim.serviceUrl,
        from: { id: `29:${manager}`, aadObjectId: manager, name: "Maya Manager" },
        recipient: { id: `28:${appId}` },
        conversation: { id: "a:bench", conversationType: "personal", tenantId },
        channelData: { tenant: { id: tenantId } },
        ...body,
      }),
    });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    await response.arrayBuffer();
  };
  const execute = (verb: string, data: Record<string, unknown>) =>
    post({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } });

  const slot = (i: number) => new Date(now.getTime() - (i + 1) * 60_000);
  const challenges = Array.from({ length: ACTIONS }, (_, i) =>
    sentDelivery(program, team, "challenge-1", manager, slot(i), "challenge"),
  );
  const checklists = Array.from({ length: ACTIONS }, (_, i) =>
    sentDelivery(program, team, "checklist-1", manager, slot(i), "checklist"),
  );
  for (let i = 0; i < ACTIONS; i += 50) {
    await storage.deliveries.createMany(challenges.slice(i, i + 50));
    await storage.deliveries.createMany(checklists.slice(i, i + 50));
  }
  const ratings: Record<string, string> = {};
  for (const member of team.members)
    for (const behaviour of program.chain.behaviours) ratings[inputIds.rating(member.objectId, behaviour.id)] = "2";

  const result = {
    render,
    challengeDone: await time("Action.Execute challenge done (HTTP, JWT, Azurite)", ACTIONS, (i) =>
      execute("challenge.done", { verb: "challenge.done", deliveryId: challenges[i]?.id }),
    ),
    challengeReplay: await time("Action.Execute challenge replayed", ACTIONS, (i) =>
      execute("challenge.done", { verb: "challenge.done", deliveryId: challenges[i]?.id }),
    ),
    checklistSubmit: await time(
      `Action.Execute checklist (${team.members.length} members × ${program.chain.behaviours.length} behaviours)`,
      ACTIONS,
      (i) => execute("checklist.submit", { verb: "checklist.submit", deliveryId: checklists[i]?.id, ...ratings }),
    ),
    whatsDue: await time("message what's due (reply posted to the Bot Connector)", COMMANDS, () =>
      post({ type: "message", text: "what's due" }),
    ),
    myTeam: await time(`message my team (${ACTIONS * team.members.length * 2} observations in 30 days)`, COMMANDS, () =>
      post({ type: "message", text: "my team" }),
    ),
  };
  server.closeAllConnections();
  server.close();
  mkdirSync(".bench", { recursive: true });
  writeFileSync(".bench/bot.json", `${JSON.stringify(result, null, 2)}\n`);
  console.log("wrote .bench/bot.json");
} finally {
  await sim.close();
  await azurite.stop();
}
