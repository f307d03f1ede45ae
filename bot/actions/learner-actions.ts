import { type AssetOf, scoreSkillsCheck } from "../../src/domain/index.js";
import { recordNudgeResponse, recordSkillsCheckResult } from "../../src/measure/index.js";
import { confirmationCard, dayMonth, inputIds, kindLabels, skillsCheckPhase } from "../cards/index.js";
import type { ActionHandler } from "./action-context.js";
import { completeDelivery } from "./complete-delivery.js";
import { askAgain } from "./incomplete.js";
import { rejections } from "./rejections.js";

/** A nudge's answer and confidence (1–5): one response per delivery; a replay shows the one recorded. */
export const answerNudge: ActionHandler = async (services, actor, loaded, input) => {
  const { response, confidence } = input.fields;
  if ((response !== undefined && typeof response !== "string") || (confidence !== undefined && !isText(confidence)))
    return rejections.malformed();
  const existing = await services.storage.nudgeResponses.get(actor.tenantId, actor.objectId, loaded.delivery.id);
  if (!existing) {
    const text = (response ?? "").trim();
    if (!text || text.length > 2000) return askAgain(loaded, "Write a short answer (up to 2000 characters).");
    const level = Number(confidence);
    if (!Number.isInteger(level) || level < 1 || level > 5) {
      if (confidence === undefined || confidence === "")
        return askAgain(loaded, "Pick how confident you feel, 1 to 5.");
      return rejections.malformed();
    }
  }
  const now = services.now();
  const result = existing
    ? { recorded: false, value: existing }
    : await recordNudgeResponse(
        services.storage,
        loaded.program,
        {
          tenantId: actor.tenantId,
          deliveryId: loaded.delivery.id,
          programId: loaded.delivery.programId,
          assetId: loaded.delivery.assetId,
          learnerObjectId: actor.objectId,
          response: String(response).trim(),
          confidence: Number(confidence),
          at: now.toISOString(),
        },
        services.outboxFor?.(actor.tenantId),
      );
  await completeDelivery(services.storage, loaded.delivery, loaded.etag, now);
  return {
    outcome: result.recorded ? "recorded" : "unchanged",
    card: confirmationCard({
      kindLabel: kindLabels.nudge,
      title: loaded.asset.title,
      headline: `Answered — ${dayMonth(result.value.at, loaded.timeZone)}`,
      tone: "good",
      facts: [
        { title: "Your answer", value: result.value.response },
        { title: "Confidence", value: `${result.value.confidence} of 5` },
      ],
    }),
  };
};

/** A skills check's answers, scored on the server: one result per program and phase (pre, post). */
export const submitSkillsCheck: ActionHandler = async (services, actor, loaded, input) => {
  const asset = loaded.asset as AssetOf<"skills_check">;
  const phase = skillsCheckPhase(loaded.delivery, loaded.program);
  const { storage } = services;
  const key = `${loaded.delivery.programId}.${phase}`;
  let existing = await storage.skillsCheckResults.get(actor.tenantId, actor.objectId, key);
  let recorded = false;
  const now = services.now();
  if (!existing) {
    const answers: number[] = [];
    for (const question of asset.content.questions) {
      const raw = input.fields[inputIds.answer(question.id)];
      if (raw === undefined || raw === "") return askAgain(loaded, "Answer every question, then submit.");
      const index = Number(raw);
      if (!isText(raw) || !Number.isInteger(index) || index < 0 || index >= question.options.length)
        return rejections.malformed();
      answers.push(index);
    }
    const { score, maxScore } = scoreSkillsCheck(asset, answers);
    const result = await recordSkillsCheckResult(
      storage,
      loaded.program,
      {
        tenantId: actor.tenantId,
        deliveryId: loaded.delivery.id,
        programId: loaded.delivery.programId,
        assetId: asset.id,
        learnerObjectId: actor.objectId,
        phase,
        answers,
        score,
        maxScore,
        at: now.toISOString(),
      },
      services.outboxFor?.(actor.tenantId),
    );
    recorded = result.recorded;
    existing = result.value;
  }
  await completeDelivery(storage, loaded.delivery, loaded.etag, now);
  return {
    outcome: recorded ? "recorded" : "unchanged",
    card: confirmationCard({
      kindLabel: kindLabels.skills_check,
      title: asset.title,
      headline: `Score ${existing.score} of ${existing.maxScore}`,
      detail: `${phase === "pre" ? "Before" : "After"} the program · ${dayMonth(existing.at, loaded.timeZone)}`,
    }),
  };
};

function isText(value: unknown): value is string | number {
  return typeof value === "string" || typeof value === "number";
}
