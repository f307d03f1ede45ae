import { renderCard } from "../cards/index.js";
import type { BotSettings, CommandReply } from "./command-context.js";

export const commandList = [
  { command: "what's due", description: "This week's challenges, guides and checklists" },
  { command: "my team", description: "Adoption on your team over the last 30 days" },
  { command: "log observation", description: "A checklist to rate your team now" },
  { command: "pause 7 days", description: "No cards until then" },
  { command: "resume", description: "Cards again" },
  { command: "help", description: "This list" },
];

export function welcomeReply(settings: BotSettings, displayName: string, intro?: string): CommandReply {
  const first = displayName.split(" ")[0] ?? "";
  return {
    summary: "What Throughline can do",
    card: renderCard("welcome", {
      heading: first ? `Hi ${first} — I'm Throughline` : "Hi — I'm Throughline",
      intro:
        intro ??
        "I bring your program's reinforcement into this chat: a short challenge each week, talk tracks, checklists to log what you observe, and nudges for your team. Type one of these:",
      commands: commandList,
      tabUrl: settings.tabUrl,
    }),
  };
}
