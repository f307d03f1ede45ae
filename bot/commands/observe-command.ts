import { type AssetOf, type Delivery, deliveryIdFor, type Program } from "../../src/domain/index.js";
import type { Storage, Versioned } from "../../src/storage/index.js";
import { type AdaptiveCardJson, CardTooLargeError, errorCard, renderDeliveryCard } from "../cards/index.js";
import type { CommandHandler, CommandReply } from "./command-context.js";

/** The schedule entry id of checklists a manager asks for, outside the program's schedule. */
export const ON_DEMAND_ENTRY = "on-demand";
const MAX_TEAMS = 5;
/** How far back an unfilled checklist that was asked for is offered again instead of a new one. */
const REUSE_DAYS = 14;

async function openOnDemand(
  storage: Storage,
  tenantId: string,
  managerObjectId: string,
  assetId: string,
  teamId: string,
  now: Date,
): Promise<Versioned<Delivery> | undefined> {
  const range = { from: new Date(now.getTime() - REUSE_DAYS * 86_400_000), to: new Date(now.getTime() + 60_000) };
  let found: Versioned<Delivery> | undefined;
  let continuationToken: string | undefined;
  do {
    const page = await storage.deliveries.forRecipient(tenantId, managerObjectId, range, { continuationToken });
    for (const row of page.items) {
      const d = row.value;
      if (d.scheduleEntryId === ON_DEMAND_ENTRY && d.assetId === assetId && d.teamId === teamId && d.status === "sent")
        found = row;
    }
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return found;
}

/**
 * A checklist now, for each team the person manages in an active program (as a pilot team). The card is
 * backed by a delivery of its own, so its submit is authorised and completed like a scheduled one.
 */
export const logObservation: CommandHandler = async ({ services, actor, conversation }) => {
  const { storage } = services;
  const managed = (await storage.teams.teamsOf(actor.tenantId, actor.objectId)).filter((m) => m.role === "manager");
  if (managed.length === 0)
    return [
      {
        summary: "No team to observe",
        card: errorCard(
          "You don't manage a team in Throughline",
          "Observation checklists are for managers of teams in a program.",
          "Your L&D admin adds teams to programs.",
        ),
      },
    ];

  const active: Program[] = [];
  for await (const row of storage.programs.each(actor.tenantId, "active")) active.push(row.value);

  const replies: CommandReply[] = [];
  for (const membership of managed.slice(0, MAX_TEAMS)) {
    const program = active.find((p) => p.teams.some((t) => t.teamId === membership.teamId && t.role === "pilot"));
    const team = program && (await storage.teams.get(actor.tenantId, membership.teamId))?.value;
    if (!program || !team) continue;
    const asset = (await storage.assets.all(actor.tenantId, program.id)).find(
      (a): a is AssetOf<"observation_checklist"> => a.kind === "observation_checklist",
    );
    if (!asset) continue;
    const now = services.now();
    // Asked again before the last one was filled: the same checklist again, so one is open, not a pile of them.
    const open = await openOnDemand(storage, actor.tenantId, actor.objectId, asset.id, team.id, now);
    const delivery: Delivery = open?.value ?? {
      id: deliveryIdFor(program.id, asset.id, actor.objectId, now),
      tenantId: actor.tenantId,
      programId: program.id,
      assetId: asset.id,
      scheduleEntryId: ON_DEMAND_ENTRY,
      teamId: team.id,
      recipientObjectId: actor.objectId,
      recipientRole: "manager",
      slot: now.toISOString(),
      status: "sent",
      attempts: 1,
      lastError: null,
      activityId: null,
      conversationId: conversation.conversationId,
      sentAt: now.toISOString(),
      completedAt: null,
      updatedAt: now.toISOString(),
    };
    let card: AdaptiveCardJson;
    try {
      card = renderDeliveryCard(delivery, asset, { team, program }).card;
    } catch (error) {
      if (!(error instanceof CardTooLargeError)) throw error;
      replies.push({
        summary: "Checklist too large",
        card: errorCard(
          `${team.name} is too large for one checklist card`,
          "Teams limits a card to 28 KB; this checklist would be larger. Nothing was created.",
          "Ask your L&D admin to target fewer behaviours, or split the team.",
        ),
      });
      continue;
    }
    const created = open ?? (await storage.deliveries.create(delivery));
    replies.push({
      summary: `Observation checklist: ${team.name}`,
      card,
      onSent: async (activityId) => {
        await storage.deliveries.save(
          { ...created.value, activityId, conversationId: conversation.conversationId },
          created.etag,
        );
      },
    });
  }
  if (replies.length === 0)
    return [
      {
        summary: "No checklist to send",
        card: errorCard(
          "No checklist for your team right now",
          "None of your teams is a pilot team in an active program with an observation checklist.",
        ),
      },
    ];
  return replies;
};
