import type { Fact } from "./card-data.js";
import { type AdaptiveCardJson, renderCard } from "./render-card.js";

/** The card a delivery turns into once answered. */
export function confirmationCard(options: {
  kindLabel: string;
  title: string;
  headline: string;
  /** Good news is green; anything else (a score, a skip, a pause) stays in the default colour. */
  tone?: "good" | "neutral";
  facts?: Fact[];
  detail?: string;
}): AdaptiveCardJson {
  const facts = options.facts ?? [];
  const detail = options.detail ?? "";
  return renderCard("confirmation", {
    kindLabel: options.kindLabel,
    title: options.title,
    headline: options.headline,
    headlineColor: options.tone === "good" ? "Good" : "Default",
    hasFacts: facts.length > 0,
    facts,
    hasDetail: detail !== "",
    detail,
  });
}

export function errorCard(title: string, message: string, hint = "Type help to see what I can do."): AdaptiveCardJson {
  return renderCard("error", { title, message, hint });
}
