import type { Asset, AssetOf, Behaviour, Delivery, Person, Program, Team } from "../../src/domain/index.js";
import type { DeliveryCardContext, DeliveryCardRenderer } from "../../src/messaging/index.js";
import { inputIds } from "./input-ids.js";
import { kindLabels, weekdayDayMonth } from "./labels.js";
import { type AdaptiveCardJson, assertCardFits, renderCard } from "./render-card.js";

/**
 * The card for one delivery, as the delivery pipeline sends it and as the bot re-sends it on demand.
 * Throws CardTooLargeError for a card Teams would refuse (a checklist fits about 30 members × 2 behaviours).
 */
export const renderDeliveryCard: DeliveryCardRenderer = (delivery, asset, context) => {
  const timeZone = personIn(context.team, delivery.recipientObjectId)?.timeZone ?? "UTC";
  const dueLabel = weekdayDayMonth(delivery.slot, timeZone);
  const behaviours = context.program.chain.behaviours.filter((b) => asset.behaviourIds.includes(b.id));
  const behaviourNames = behaviours.map((b) => b.name).join(" · ");
  const summary = `${kindLabels[asset.kind]}: ${asset.title}`;
  const card = cardFor(delivery, asset, { ...context, behaviours, behaviourNames, dueLabel });
  return { card: assertCardFits(templateOf(asset.kind), card), summary };
};

interface Resolved extends DeliveryCardContext {
  behaviours: Behaviour[];
  behaviourNames: string;
  dueLabel: string;
}

function cardFor(delivery: Delivery, asset: Asset, c: Resolved): AdaptiveCardJson {
  const deliveryId = delivery.id;
  switch (asset.kind) {
    case "micro_challenge":
      return renderCard("micro-challenge", {
        deliveryId,
        title: asset.title,
        task: asset.content.task,
        reflectionPrompt: asset.content.reflectionPrompt || "Reflection (optional)",
        behaviours: c.behaviourNames,
        dueLabel: c.dueLabel,
      });
    case "talk_track":
      return renderCard("guide", {
        deliveryId,
        kindLabel: kindLabels.talk_track,
        title: asset.title,
        hasIntro: asset.content.intro !== "",
        intro: asset.content.intro,
        steps: numbered(asset.content.steps),
        hasClosing: false,
        closing: "",
        behaviours: c.behaviourNames,
        dueLabel: c.dueLabel,
      });
    case "conversation_guide":
      return renderCard("guide", {
        deliveryId,
        kindLabel: kindLabels.conversation_guide,
        title: asset.title,
        hasIntro: true,
        intro: asset.content.opening,
        steps: numbered(asset.content.questions),
        hasClosing: asset.content.closing !== "",
        closing: asset.content.closing,
        behaviours: c.behaviourNames,
        dueLabel: c.dueLabel,
      });
    case "observation_checklist":
      return checklistCard(deliveryId, asset, c.team, c.behaviours);
    case "nudge":
      return renderCard("nudge", {
        deliveryId,
        title: asset.title,
        prompt: asset.content.prompt,
        styleLabel: asset.content.style === "practice" ? "Practice nudge" : "Reflection",
        dueLabel: c.dueLabel,
        confidenceChoices: [1, 2, 3, 4, 5].map((n) => ({ title: String(n), value: String(n) })),
      });
    case "skills_check":
      return skillsCheckCard(deliveryId, asset, skillsCheckPhase(delivery, c.program));
  }
}

function checklistCard(
  deliveryId: string,
  asset: AssetOf<"observation_checklist">,
  team: Team,
  behaviours: Behaviour[],
): AdaptiveCardJson {
  const card = renderCard("observation-checklist", {
    deliveryId,
    title: asset.title,
    teamName: team.name,
    hasInstructions: asset.content.instructions !== "",
    instructions: asset.content.instructions,
    members: team.members.map((member) => ({
      name: member.displayName,
      noteInputId: inputIds.note(member.objectId),
      ratings: behaviours.map((behaviour) => ({
        inputId: inputIds.rating(member.objectId, behaviour.id),
        label: behaviour.name,
        choices: behaviour.rubric.levels.map((level, i) => ({ title: level, value: String(i) })),
      })),
    })),
  });
  return assertCardFits("observation-checklist", card);
}

function skillsCheckCard(deliveryId: string, asset: AssetOf<"skills_check">, phase: "pre" | "post") {
  return renderCard("skills-check", {
    deliveryId,
    title: asset.title,
    phaseLabel: phase === "pre" ? "before the program" : "after the program",
    questionCount: asset.content.questions.length,
    questions: asset.content.questions.map((q, i) => ({
      inputId: inputIds.answer(q.id),
      number: String(i + 1),
      text: q.text,
      choices: q.options.map((option, j) => ({ title: option, value: String(j) })),
    })),
  });
}

/** A skills check is pre or post by its schedule entry; one without a phase counts as the pre check. */
export function skillsCheckPhase(delivery: Delivery, program: Program): "pre" | "post" {
  return program.schedule.entries.find((e) => e.id === delivery.scheduleEntryId)?.phase ?? "pre";
}

export function personIn(team: Team, objectId: string): Person | undefined {
  const id = objectId.toLowerCase();
  return team.manager.objectId === id ? team.manager : team.members.find((m) => m.objectId === id);
}

function templateOf(kind: Asset["kind"]) {
  const templates = {
    micro_challenge: "micro-challenge",
    talk_track: "guide",
    conversation_guide: "guide",
    observation_checklist: "observation-checklist",
    nudge: "nudge",
    skills_check: "skills-check",
  } as const;
  return templates[kind];
}

function numbered(lines: string[]) {
  return lines.map((text, i) => ({ number: String(i + 1), text }));
}
