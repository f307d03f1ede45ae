import * as AdaptiveCards from "adaptivecards";
import { useEffect, useRef } from "react";
import type { ThemeName } from "./host.js";

/** The asset fields the preview needs; the same shapes the API stores. */
export interface AssetDraft {
  kind: string;
  title: string;
  content: Record<string, unknown>;
}

const lines = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);

/** The card a recipient will see for this asset (schema 1.5, what Teams renders). */
export function cardFor(asset: AssetDraft): Record<string, unknown> {
  const text = (t: string, extra: Record<string, unknown> = {}) => ({
    type: "TextBlock",
    text: t,
    wrap: true,
    ...extra,
  });
  const c = asset.content;
  const body: Record<string, unknown>[] = [text(asset.title || "Untitled", { size: "Medium", weight: "Bolder" })];
  const actions: Record<string, unknown>[] = [];
  switch (asset.kind) {
    case "micro_challenge":
      body.push(text(String(c.task ?? "")));
      if (c.reflectionPrompt)
        body.push({ type: "Input.Text", id: "reflection", label: String(c.reflectionPrompt), isMultiline: true });
      actions.push(
        { type: "Action.Execute", title: "Done", verb: "challenge.done" },
        { type: "Action.Execute", title: "Skip this week", verb: "challenge.skip" },
      );
      break;
    case "talk_track":
      if (c.intro) body.push(text(String(c.intro)));
      for (const [i, step] of lines(c.steps).entries()) body.push(text(`${i + 1}. ${step}`));
      break;
    case "conversation_guide":
      body.push(text(String(c.opening ?? ""), { weight: "Bolder" }));
      for (const q of lines(c.questions)) body.push(text(`• ${q}`));
      if (c.closing) body.push(text(String(c.closing), { isSubtle: true }));
      break;
    case "observation_checklist":
      if (c.instructions) body.push(text(String(c.instructions)));
      body.push({
        type: "Input.ChoiceSet",
        id: "level",
        label: "Team member — behaviour",
        choices: ["Not yet", "Sometimes", "Consistently"].map((t, i) => ({ title: t, value: String(i) })),
        style: "expanded",
      });
      actions.push({ type: "Action.Execute", title: "Record observations", verb: "observation.record" });
      break;
    case "nudge":
      body.push(text(String(c.prompt ?? "")));
      body.push({ type: "Input.Text", id: "response", label: "What did you try?", isMultiline: true });
      body.push({
        type: "Input.ChoiceSet",
        id: "confidence",
        label: "How confident do you feel?",
        choices: [1, 2, 3, 4, 5].map((n) => ({ title: String(n), value: String(n) })),
      });
      actions.push({ type: "Action.Execute", title: "Send", verb: "nudge.respond" });
      break;
    case "skills_check":
      for (const [i, q] of (Array.isArray(c.questions) ? c.questions : []).entries()) {
        const question = q as { text?: string; options?: string[] };
        body.push({
          type: "Input.ChoiceSet",
          id: `q${i}`,
          label: question.text ?? "",
          style: "expanded",
          choices: (question.options ?? []).map((o, j) => ({ title: o, value: String(j) })),
        });
      }
      actions.push({ type: "Action.Execute", title: "Submit answers", verb: "skillscheck.submit" });
      break;
  }
  return {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    body,
    actions,
  };
}

const hostColors: Record<ThemeName, { background: string; text: string; accent: string }> = {
  default: { background: "#ffffff", text: "#242424", accent: "#5b5fc7" },
  dark: { background: "#292929", text: "#ffffff", accent: "#9ea2ff" },
  contrast: { background: "#000000", text: "#ffffff", accent: "#ffff00" },
};

/** Renders the card with the Adaptive Cards SDK, live as the asset is edited. */
export function CardPreview({ asset, theme }: { asset: AssetDraft; theme: ThemeName }) {
  const host = useRef<HTMLElement>(null);
  const json = JSON.stringify(cardFor(asset));
  useEffect(() => {
    const target = host.current;
    if (!target) return;
    const colors = hostColors[theme];
    const card = new AdaptiveCards.AdaptiveCard();
    card.hostConfig = new AdaptiveCards.HostConfig({
      fontFamily: "Segoe UI, system-ui, sans-serif",
      containerStyles: {
        default: {
          backgroundColor: colors.background,
          foregroundColors: {
            default: { default: colors.text, subtle: colors.text },
            accent: { default: colors.accent, subtle: colors.accent },
          },
        },
      },
    });
    card.parse(JSON.parse(json));
    const rendered = card.render();
    target.replaceChildren();
    if (rendered) target.appendChild(rendered);
  }, [json, theme]);
  return (
    <section
      ref={host}
      data-testid="card-preview"
      aria-label="Card preview"
      style={{
        border: "1px solid #8a8886",
        borderRadius: 8,
        padding: 8,
        background: hostColors[theme].background,
        maxWidth: 420,
      }}
    />
  );
}
