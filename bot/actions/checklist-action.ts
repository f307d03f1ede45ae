import {
  type AssetOf,
  type Behaviour,
  isManager,
  isMember,
  type Observation,
  observationProblems,
} from "../../src/domain/index.js";
import { recordObservations } from "../../src/measure/index.js";
import { confirmationCard, dayMonth, kindLabels, parseNoteInputId, parseRatingInputId } from "../cards/index.js";
import type { ActionHandler, ActionResult, LoadedDelivery } from "./action-context.js";
import { completeDelivery } from "./complete-delivery.js";
import { askAgain } from "./incomplete.js";
import { rejections } from "./rejections.js";

interface Rating {
  memberObjectId: string;
  behaviourId: string;
  levelIndex: number;
}

/**
 * Records a checklist's observations. Every rating is checked against the delivery's team and the
 * checklist's behaviours first; then the delivery is claimed over its etag, so of two clicks (or two
 * instances) exactly one writes; then the observations are written in one transaction.
 */
export const recordChecklist: ActionHandler = async (services, actor, loaded, input) => {
  const { storage } = services;
  const { delivery, team, program } = loaded;
  if (delivery.status === "completed") return checklistState(services, loaded, false);
  if (!isManager(team, actor.objectId)) return rejections.notYourTeam();

  const asset = loaded.asset as AssetOf<"observation_checklist">;
  const behaviours = program.chain.behaviours.filter((b) => asset.behaviourIds.includes(b.id));
  const parsed = parseRatings(input.fields, behaviours);
  if (parsed === "malformed") return rejections.malformed();
  const { ratings, notes } = parsed;
  if ([...notes.keys(), ...ratings.map((r) => r.memberObjectId)].some((id) => !isMember(team, id)))
    return rejections.notYourTeam();
  if (ratings.length === 0) return askAgain(loaded, "Rate at least one person on one behaviour, then record.");

  const now = services.now();
  const observedAt = now.toISOString();
  const observations: Observation[] = ratings.map((r, i) => ({
    id: `${delivery.id}.${i}`,
    tenantId: actor.tenantId,
    programId: program.id,
    teamId: team.id,
    managerObjectId: actor.objectId,
    memberObjectId: r.memberObjectId,
    behaviourId: r.behaviourId,
    levelIndex: r.levelIndex,
    note: notes.get(r.memberObjectId) ?? "",
    observedAt,
    deliveryId: delivery.id,
  }));
  if (observations.some((o) => observationProblems(o, program, team).length > 0)) return rejections.notYourTeam();

  const claim = await completeDelivery(storage, delivery, loaded.etag, now);
  if (!claim.completed) return checklistState(services, { ...loaded, delivery: claim.delivery }, false);
  try {
    await recordObservations(storage, program, team.id, observations, services.outboxFor?.(actor.tenantId));
  } catch (error) {
    // Give the delivery back, so the manager can submit again; the observations were not written.
    await storage.deliveries.save(delivery, claim.etag).catch(() => undefined);
    throw error;
  }
  return { outcome: "recorded", card: checklistDoneCard(loaded, observations, observedAt) };
};

function parseRatings(
  fields: Record<string, unknown>,
  behaviours: Behaviour[],
): { ratings: Rating[]; notes: Map<string, string> } | "malformed" {
  const ratings: Rating[] = [];
  const notes = new Map<string, string>();
  for (const [key, raw] of Object.entries(fields)) {
    if (key.startsWith("note:")) {
      const member = parseNoteInputId(key);
      if (!member || typeof raw !== "string" || raw.length > 1000) return "malformed";
      if (raw.trim()) notes.set(member.toLowerCase(), raw.trim());
    } else if (key.startsWith("lvl:")) {
      const target = parseRatingInputId(key);
      if (!target || (typeof raw !== "string" && typeof raw !== "number")) return "malformed";
      if (raw === "") continue;
      const behaviour = behaviours.find((b) => b.id === target.behaviourId);
      const levelIndex = Number(raw);
      if (!behaviour || !Number.isInteger(levelIndex) || levelIndex < 0 || levelIndex >= behaviour.rubric.levels.length)
        return "malformed";
      ratings.push({ memberObjectId: target.memberObjectId.toLowerCase(), behaviourId: behaviour.id, levelIndex });
    }
  }
  return { ratings, notes };
}

/** A replay: the observations this checklist recorded, read back from the team's newest ones. */
async function checklistState(
  services: Parameters<ActionHandler>[0],
  loaded: LoadedDelivery,
  recorded: boolean,
): Promise<ActionResult> {
  const { delivery, team } = loaded;
  const since = new Date(Date.parse(delivery.completedAt ?? delivery.updatedAt) - 1000);
  const mine: Observation[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await services.storage.observations.since(delivery.tenantId, team.id, since, {
      pageSize: 1000,
      continuationToken,
    });
    mine.push(...page.items.filter((o) => o.deliveryId === delivery.id));
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return {
    outcome: recorded ? "recorded" : "unchanged",
    card: checklistDoneCard(loaded, mine, delivery.completedAt ?? delivery.updatedAt),
  };
}

function checklistDoneCard(loaded: LoadedDelivery, observations: Observation[], at: string) {
  const { team, program } = loaded;
  const facts = team.members
    .map((member) => {
      const mine = observations.filter((o) => o.memberObjectId === member.objectId);
      const value = mine
        .map((o) => {
          const behaviour = program.chain.behaviours.find((b) => b.id === o.behaviourId);
          return `${behaviour?.name ?? o.behaviourId}: ${behaviour?.rubric.levels[o.levelIndex] ?? o.levelIndex}`;
        })
        .join(" · ");
      return { title: member.displayName, value };
    })
    .filter((f) => f.value !== "");
  const count = observations.length;
  return confirmationCard({
    kindLabel: kindLabels.observation_checklist,
    title: loaded.asset.title,
    headline: `${count} observation${count === 1 ? "" : "s"} recorded`,
    tone: "good",
    facts,
    detail: `${team.name} · ${dayMonth(at, loaded.timeZone)}`,
  });
}
