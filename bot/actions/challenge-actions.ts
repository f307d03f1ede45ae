import { z } from "zod";
import { recordChallengeCompletion } from "../../src/measure/index.js";
import { confirmationCard, dayMonth, kindLabels } from "../cards/index.js";
import type { ActionHandler, LoadedDelivery } from "./action-context.js";
import { completeDelivery } from "./complete-delivery.js";
import { rejections } from "./rejections.js";

const reflectionSchema = z.object({ reflection: z.string().max(4000).optional() });

/** Done or skip on a micro-challenge: one completion per delivery; a replay shows the one recorded. */
export const answerChallenge: ActionHandler = async (services, actor, loaded, input) => {
  const parsed = reflectionSchema.safeParse(input.fields);
  if (!parsed.success) return rejections.malformed();
  const { storage } = services;
  const now = services.now();
  const { delivery } = loaded;
  // Through the measurement module, so the team's rollups and the xAPI statement follow the record.
  const record = {
    tenantId: actor.tenantId,
    deliveryId: delivery.id,
    programId: delivery.programId,
    assetId: delivery.assetId,
    teamId: delivery.teamId,
    managerObjectId: actor.objectId,
    outcome: input.verb === "challenge.done" ? "done" : "skipped",
    reflection: parsed.data.reflection ?? "",
    at: now.toISOString(),
  };
  const result = await recordChallengeCompletion(storage, loaded.program, record, services.outboxFor?.(actor.tenantId));
  await completeDelivery(storage, delivery, loaded.etag, now);
  const { outcome, reflection, at } = result.value;
  return {
    outcome: result.recorded ? "recorded" : "unchanged",
    card: confirmationCard({
      kindLabel: kindLabels.micro_challenge,
      title: loaded.asset.title,
      headline: `${outcome === "done" ? "Done" : "Skipped"} — ${dayMonth(at, loaded.timeZone)}`,
      tone: outcome === "done" ? "good" : "neutral",
      facts: reflection ? [{ title: "Reflection", value: reflection }] : [],
    }),
  };
};

/** "I used it" on a talk track or conversation guide: the delivery's completion is the record. */
export const acknowledgeGuide: ActionHandler = async (services, _actor, loaded) => {
  const result = await completeDelivery(services.storage, loaded.delivery, loaded.etag, services.now());
  return {
    outcome: result.completed ? "recorded" : "unchanged",
    card: guideDoneCard(loaded, result.delivery.completedAt),
  };
};

function guideDoneCard(loaded: LoadedDelivery, completedAt: string | null) {
  return confirmationCard({
    kindLabel: kindLabels[loaded.asset.kind],
    title: loaded.asset.title,
    headline: `Used — ${dayMonth(completedAt ?? loaded.delivery.updatedAt, loaded.timeZone)}`,
    tone: "good",
  });
}
