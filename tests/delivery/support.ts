import { randomUUID } from "node:crypto";
import { type Conversation, parseProgram, parseTeam, type Team } from "../../src/domain/index.js";
import { type DeliveryMessage, type Storage, storageAccount, WorkQueue } from "../../src/storage/index.js";
import { aChallenge, aProgram, aTeam, now } from "../support/fixtures.js";
import { testStorage, testStorageTarget } from "../support/storage.js";

/** The app's storage with a delivery queue of the test's own, so counts on it are the test's alone. */
export async function storageWithOwnQueue(): Promise<Storage> {
  const storage = await testStorage();
  const queue = new WorkQueue<DeliveryMessage>(
    storageAccount(testStorageTarget()).queue(`deliveries-${randomUUID().slice(0, 8)}`),
  );
  await queue.ensure();
  return { ...storage, deliveryQueue: queue };
}

export function conversationFor(tenantId: string, objectId: string, serviceUrl: string): Conversation {
  return {
    tenantId,
    objectId: objectId.toLowerCase(),
    conversationId: `a:1${objectId.replace(/-/g, "")}`,
    serviceUrl,
    botId: "28:bot",
    reachable: true,
    unreachableReason: null,
    pausedUntil: null,
    updatedAt: now,
  };
}

/** An active program (Tuesday 09:00 challenge to managers) with a pilot and a comparison team, everyone installed. */
export async function seedActiveProgram(
  storage: Storage,
  tenantId: string,
  options: { serviceUrl?: string; window?: { start: string; end: string } } = {},
): Promise<{ pilot: Team; comparison: Team }> {
  const program = parseProgram({
    ...aProgram(tenantId, { status: "active", window: options.window ?? { start: "2026-09-07", end: "2026-12-31" } }),
  });
  await storage.programs.save(program);
  await storage.assets.save(aChallenge(tenantId));
  const pilot = parseTeam(aTeam(tenantId));
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
