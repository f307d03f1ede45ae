import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { createBotAdapter, ProactiveMessenger, renderDeliveryCard } from "../../bot/index.js";
import type { BotConfig } from "../../src/config.js";
import {
  type Clock,
  DeliveryWorker,
  type DeliveryWorkerOptions,
  TenantRateLimiter,
  type WorkerHooks,
} from "../../src/delivery/index.js";
import { type Conversation, type Delivery, parseProgram, parseTeam, type Team } from "../../src/domain/index.js";
import type { Messenger } from "../../src/messaging/index.js";
import type { DeliveryItem, Storage } from "../../src/storage/index.js";
import {
  type BotConnectorSimulator,
  type SimulatorOptions,
  startBotConnectorSimulator,
} from "../support/bot-connector-simulator.js";
import { aChallenge, aDelivery, aProgram, aTeam, now, person } from "../support/fixtures.js";

export { storageWithOwnQueue, TEST_QUEUE_SHARDS } from "../support/storage.js";

export function conversationFor(tenantId: string, objectId: string, serviceUrl: string): Conversation {
  return {
    tenantId,
    objectId: objectId.toLowerCase(),
    conversationId: `a:1${objectId.replace(/-/g, "")}`,
    serviceUrl,
    botId: "28:bot",
    reachable: true,
    reachableSince: null,
    unreachableReason: null,
    pausedUntil: null,
    updatedAt: now,
  };
}

/** An active program (Tuesday 09:00 challenge to managers) with a pilot and a comparison team, everyone installed. */
export async function seedActiveProgram(
  storage: Storage,
  tenantId: string,
  options: { serviceUrl?: string; window?: { start: string; end: string }; members?: number } = {},
): Promise<{ pilot: Team; comparison: Team }> {
  const program = parseProgram({
    ...aProgram(tenantId, { status: "active", window: options.window ?? { start: "2026-09-07", end: "2026-12-31" } }),
  });
  await storage.programs.save(program);
  await storage.assets.save(aChallenge(tenantId));
  const members =
    options.members === undefined
      ? {}
      : { members: Array.from({ length: options.members }, (_, i) => person(`Member ${i}`)) };
  const pilot = parseTeam(aTeam(tenantId, members));
  const comparison = parseTeam(
    aTeam(tenantId, {
      id: "team-b",
      name: "Team B",
      manager: { ...pilot.manager, objectId: randomUUID() },
      members: [],
    }),
  );
  await storage.teams.save(pilot);
  await storage.teams.save(comparison);
  for (const p of [pilot.manager, ...pilot.members, comparison.manager])
    await storage.conversations.upsert(
      conversationFor(tenantId, p.objectId, options.serviceUrl ?? "https://smba.example.test/"),
    );
  return { pilot, comparison };
}

/** The file's Bot Connector simulator and a messenger signed in to it; both set once the file's tests run. */
export interface SimulatedConnector {
  appId: string;
  appPassword: string;
  sim: BotConnectorSimulator;
  messenger: ProactiveMessenger;
}

/** Starts a Bot Connector simulator (a fresh bot identity) before the file's tests and closes it after them. */
export function simulatorForFile(options: Omit<SimulatorOptions, "appId" | "appPassword"> = {}): SimulatedConnector {
  const connector = { appId: randomUUID(), appPassword: "s3cret" } as SimulatedConnector;
  beforeAll(async () => {
    connector.sim = await startBotConnectorSimulator({
      ...options,
      appId: connector.appId,
      appPassword: connector.appPassword,
    });
    connector.messenger = messengerFor(connector.sim, connector.appId, connector.appPassword);
  });
  afterAll(() => connector.sim?.close());
  return connector;
}

/** A bot adapter and messenger that talk to the simulator with a real token. */
export function messengerFor(sim: BotConnectorSimulator, appId: string, appPassword: string): ProactiveMessenger {
  const config: BotConfig = {
    appId,
    appPassword,
    appType: "MultiTenant",
    appTenantId: "",
    devMode: false,
    loginUrl: sim.loginUrl,
    openIdMetadataUrl: sim.openIdMetadataUrl,
    channelIssuer: sim.issuer,
    allowedTenantIds: [],
  };
  return new ProactiveMessenger(createBotAdapter(config), appId);
}

export function workerFor(
  storage: Storage,
  messenger: Messenger,
  options: Partial<DeliveryWorkerOptions> & { perSecond?: number; clock?: Clock } = {},
  hooks?: WorkerHooks,
): DeliveryWorker {
  const { perSecond = 50, clock, ...rest } = options;
  return new DeliveryWorker(
    {
      storage,
      messenger,
      render: renderDeliveryCard,
      tenantLimiter: new TenantRateLimiter(storage.coordination, { perSecond, clock }),
      clock,
      hooks,
    },
    { instanceId: "test", visibilitySeconds: 30, backoffBaseMs: 20, backoffCapMs: 100, ...rest },
  );
}

/** Runs the worker's batches until the queue has nothing visible left. */
export async function drain(worker: DeliveryWorker): Promise<void> {
  while ((await worker.runOnce()) > 0);
}

/**
 * Deliveries due now to `count` fresh people of a pilot team (each installed, on the simulator), written
 * and queued the way the planner does it.
 */
export async function dueDeliveries(
  storage: Storage,
  tenantId: string,
  serviceUrl: string,
  count: number,
  options: { carryConversation?: boolean; oneMessage?: boolean } = {},
): Promise<{ deliveries: Delivery[]; conversations: Conversation[] }> {
  const { pilot } = await seedActiveProgram(storage, tenantId, { serviceUrl, members: count });
  const slot = new Date(Math.floor(Date.now() / 1000) * 1000);
  const deliveries: Delivery[] = pilot.members.map((m) =>
    aDelivery(tenantId, m.objectId, slot, { teamId: pilot.id, recipientRole: "learner" }),
  );
  const items: DeliveryItem[] = [];
  for (const d of deliveries) {
    const { etag } = await storage.deliveries.create(d);
    const planned = { delivery: d, etag };
    const conversation = options.carryConversation
      ? conversationFor(tenantId, d.recipientObjectId, serviceUrl)
      : undefined;
    items.push({ recipientObjectId: d.recipientObjectId, deliveryId: d.id, planned, conversation });
  }
  // One message per delivery, or all in one as the planner queues deliveries due together.
  for (const batch of options.oneMessage ? [items] : items.map((i) => [i]))
    await storage.deliveryQueue.send({ tenantId, items: batch });
  const conversations = pilot.members.map((m) => conversationFor(tenantId, m.objectId, serviceUrl));
  return { deliveries, conversations };
}
