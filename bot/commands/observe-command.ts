import { type AssetOf, type Delivery, deliveryIdFor, type Program } from "../../src/domain/index.js";
import { checklistCard, errorCard } from "../cards/index.js";
import type { CommandHandler, CommandReply } from "./command-context.js";

/** The schedule entry id of checklists a manager asks for, outside the program's schedule. */
export const ON_DEMAND_ENTRY = "on-demand";
const MAX_TEAMS = 5;

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
    const delivery: Delivery = {
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
    const created = await storage.deliveries.create(delivery);
    const behaviours = program.chain.behaviours.filter((b) => asset.behaviourIds.includes(b.id));
    replies.push({
      summary: `Observation checklist: ${team.name}`,
      card: checklistCard(delivery.id, asset, team, behaviours),
      onSent: async (activityId) => {
        await storage.deliveries.save({ ...created.value, activityId }, created.etag);
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
