import { createRequire } from "node:module";

// The adaptivecards package's ESM build cannot load in plain Node (extensionless imports); its UMD bundle can.
const AC = createRequire(import.meta.url)("adaptivecards/dist/adaptivecards.js") as typeof import("adaptivecards");

/** Every problem the Adaptive Cards SDK finds when parsing and validating a card, as messages. */
export function cardProblems(card: unknown): string[] {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}

/** Template expressions left in the card: data the template expected and did not get. */
export function unboundExpressions(card: unknown): string[] {
  return JSON.stringify(card).match(/\$\{[^}]*\}/g) ?? [];
}

/** Every Action.Execute / Action.Submit in the card, with its verb and data. */
export function actionsOf(card: unknown): { type: string; verb?: string; data?: Record<string, unknown> }[] {
  const found: { type: string; verb?: string; data?: Record<string, unknown> }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (o.type === "Action.Execute" || o.type === "Action.Submit")
        found.push({
          type: o.type,
          verb: o.verb as string | undefined,
          data: o.data as Record<string, unknown> | undefined,
        });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** Every input's id in the card. */
export function inputIdsOf(card: unknown): string[] {
  const ids: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (typeof o.type === "string" && o.type.startsWith("Input.") && typeof o.id === "string") ids.push(o.id);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return ids;
}

/** All text a person would read on the card. */
export function textOf(card: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      for (const key of ["text", "title", "value", "label"]) if (typeof o[key] === "string") parts.push(o[key]);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return parts.join("\n");
}
