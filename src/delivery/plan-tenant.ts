import type { Conversation, Delivery, Team } from "../domain/index.js";
import type { Storage } from "../storage/index.js";
import { mapWithConcurrency } from "./concurrency.js";
import { DeliveryEnqueuer } from "./enqueue.js";
import { type PlannedProgram, planDeliveries, readRange, ZoneCache } from "./planner.js";

export interface PlanTenantOptions {
  now: Date;
  /** Slots this far back are still planned: a tick that died half-way is made good by the next. */
  lookbackMs: number;
  /** Slots up to this far ahead are planned (and wait on the queue, invisible, until due). */
  horizonMs: number;
  /** Recipients planned at once. */
  concurrency?: number;
  /** A scheduled row this long past its slot and never touched was never queued: queue it again. */
  requeueAfterMs?: number;
}

export interface PlanResult {
  recipients: number;
  planned: number;
}

/**
 * Plans one tenant's due deliveries: writes each row, then queues it (hidden until its slot, with the others
 * due that second) with the row's etag, so the worker can claim it without reading it first. A crash
 * between the two leaves a row with no message: a later tick finds it overdue and untouched and queues it
 * again.
 */
export async function planTenant(storage: Storage, tenantId: string, options: PlanTenantOptions): Promise<PlanResult> {
  const programs: PlannedProgram[] = [];
  for await (const { value: program } of storage.programs.each(tenantId, "active")) {
    programs.push({ program, assets: await storage.assets.all(tenantId, program.id) });
  }
  if (programs.length === 0) return { recipients: 0, planned: 0 };

  const pilotTeamIds = new Set(
    programs.flatMap(({ program }) => program.teams.filter((t) => t.role === "pilot").map((t) => t.teamId)),
  );
  const teams = (await Promise.all([...pilotTeamIds].map((id) => storage.teams.get(tenantId, id))))
    .filter((t) => t !== undefined)
    .map((t) => t.value);
  const teamsOfPerson = new Map<string, Map<string, Team>>();
  for (const team of teams) {
    for (const person of [team.manager, ...team.members]) {
      const id = person.objectId.toLowerCase();
      const own = teamsOfPerson.get(id) ?? new Map<string, Team>();
      own.set(team.id, team);
      teamsOfPerson.set(id, own);
    }
  }
  const conversations = new Map<string, Conversation>();
  for await (const conversation of storage.conversations.each(tenantId)) {
    if (teamsOfPerson.has(conversation.objectId)) conversations.set(conversation.objectId, conversation);
  }

  const from = new Date(options.now.getTime() - options.lookbackMs);
  const to = new Date(options.now.getTime() + options.horizonMs);
  const zones = new ZoneCache();
  const enqueuer = new DeliveryEnqueuer(storage.deliveryQueue, tenantId, () => options.now.getTime());
  const counts = await mapWithConcurrency([...conversations.values()], options.concurrency ?? 16, async (conv) => {
    const existing = await existingFor(storage, tenantId, conv.objectId, readRange(from, to));
    const planned = planDeliveries({
      programs,
      teams: teamsOfPerson.get(conv.objectId) ?? new Map(),
      conversations: new Map([[conv.objectId, conv]]),
      existing,
      from,
      to,
      now: options.now,
      zones,
    });
    await createAndEnqueue(storage, enqueuer, conv, planned);
    await requeueForgotten(enqueuer, conv.objectId, existing, options.now, options.requeueAfterMs ?? 15 * 60_000);
    return planned.length;
  });
  await enqueuer.flush();
  return { recipients: conversations.size, planned: counts.reduce((a, b) => a + b, 0) };
}

async function existingFor(
  storage: Storage,
  tenantId: string,
  objectId: string,
  range: { from: Date; to: Date },
): Promise<Delivery[]> {
  const all: Delivery[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await storage.deliveries.forRecipient(tenantId, objectId, range, {
      pageSize: 1000,
      continuationToken,
    });
    all.push(...page.items.map((i) => i.value));
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return all;
}

async function createAndEnqueue(
  storage: Storage,
  enqueuer: DeliveryEnqueuer,
  conversation: Conversation,
  deliveries: Delivery[],
): Promise<void> {
  for (const d of deliveries) {
    let etag: string;
    try {
      etag = (await storage.deliveries.create(d)).etag;
    } catch (error) {
      // Another tick wrote (and queued) it first.
      ignoreAlreadyExists(error);
      continue;
    }
    await enqueuer.add({
      item: {
        recipientObjectId: conversation.objectId,
        deliveryId: d.id,
        planned: { delivery: d, etag },
        conversation,
      },
      dueAt: new Date(d.slot),
    });
  }
}

/**
 * Rows that should have been sent long ago but were never claimed: a tick that died between writing a row
 * and queueing it. They go on the queue again; a second message for a delivery is harmless (the claim).
 */
async function requeueForgotten(
  enqueuer: DeliveryEnqueuer,
  recipientObjectId: string,
  existing: Delivery[],
  now: Date,
  afterMs: number,
): Promise<number> {
  const cutoff = now.getTime() - afterMs;
  const forgotten = existing.filter(
    (d) =>
      d.status === "scheduled" && !d.claimedUntil && Date.parse(d.slot) < cutoff && Date.parse(d.updatedAt) < cutoff,
  );
  for (const d of forgotten) await enqueuer.add({ item: { recipientObjectId, deliveryId: d.id }, dueAt: now });
  return forgotten.length;
}

function ignoreAlreadyExists(error: unknown): void {
  if ((error as Error).name !== "AlreadyExistsError") throw error;
}
