import { readFileSync } from "node:fs";
import * as ACData from "adaptivecards-templating";
import { CardTooLargeError, MAX_CARD_BYTES } from "../../src/messaging/index.js";
import type { CardDataByTemplate, TemplateName } from "./card-data.js";

export { CardTooLargeError, MAX_CARD_BYTES };

/** An Adaptive Card (schema 1.5) as JSON. */
export type AdaptiveCardJson = Record<string, unknown>;

export const templateNames: TemplateName[] = [
  "welcome",
  "micro-challenge",
  "guide",
  "observation-checklist",
  "nudge",
  "skills-check",
  "confirmation",
  "error",
  "due-list",
  "team-summary",
];

// Parsed once: expanding a parsed template is ~60× cheaper than parsing it per card, and leaves it intact.
const templates = new Map<TemplateName, ACData.Template>(
  templateNames.map((name) => [
    name,
    new ACData.Template(JSON.parse(readFileSync(new URL(`./templates/${name}.json`, import.meta.url), "utf8"))),
  ]),
);

/** Binds `data` into the named template. Values are bound as data, never evaluated as template text. */
export function renderCard<K extends TemplateName>(name: K, data: CardDataByTemplate[K]): AdaptiveCardJson {
  const template = templates.get(name);
  if (!template) throw new Error(`no card template ${name}`);
  return template.expand({ $root: data }) as AdaptiveCardJson;
}

/** The attachment form Teams expects for a card. */
export const adaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

/** Refuses, clearly and before any send, a card Teams would reject. */
export function assertCardFits(template: TemplateName, card: AdaptiveCardJson): AdaptiveCardJson {
  const bytes = Buffer.byteLength(JSON.stringify(card));
  if (bytes > MAX_CARD_BYTES) throw new CardTooLargeError(template, bytes);
  return card;
}
