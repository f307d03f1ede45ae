import { readFileSync } from "node:fs";
import * as ACData from "adaptivecards-templating";
import type { CardDataByTemplate, TemplateName } from "./card-data.js";

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

const templates = new Map<TemplateName, unknown>(
  templateNames.map((name) => [
    name,
    JSON.parse(readFileSync(new URL(`./templates/${name}.json`, import.meta.url), "utf8")) as unknown,
  ]),
);

/** Binds `data` into the named template. Values are bound as data, never evaluated as template text. */
export function renderCard<K extends TemplateName>(name: K, data: CardDataByTemplate[K]): AdaptiveCardJson {
  const template = new ACData.Template(structuredClone(templates.get(name)));
  return template.expand({ $root: data }) as AdaptiveCardJson;
}

/** The attachment form Teams expects for a card. */
export const adaptiveCardContentType = "application/vnd.microsoft.card.adaptive";
