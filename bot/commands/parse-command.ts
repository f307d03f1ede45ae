/** The commands people can type, each with the words and synonyms that select it. */
export type CommandName = "help" | "due" | "team" | "observe" | "pause" | "resume";

const phrases: Record<Exclude<CommandName, "pause">, string[]> = {
  help: ["help", "?", "hi", "hello", "hey", "start", "commands", "menu"],
  due: [
    "what's due",
    "whats due",
    "what is due",
    "due",
    "what's due this week",
    "this week",
    "my week",
    "to do",
    "todo",
  ],
  team: ["my team", "team", "my teams", "team summary", "adoption"],
  observe: ["log observation", "log observations", "log an observation", "observe", "observation", "checklist"],
  resume: ["resume", "unpause", "continue", "start again"],
};

const PAUSE = /^(?:pause|snooze)(?: for)?(?: (\d{1,4}) ?(?:days?|d))?$/;

/** Mentions, case, curly quotes, extra spaces and trailing punctuation do not change a command. */
export function normaliseText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, " ")
    .replace(/[\u2018\u2019]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/(?<=.)[.!?]+$/, "");
}

/** The command a message asks for, or undefined when it is not one of ours. */
export function parseCommand(text: string): { name: CommandName; argument: string } | undefined {
  const said = normaliseText(text);
  for (const [name, words] of Object.entries(phrases) as [CommandName, string[]][]) {
    if (words.includes(said)) return { name, argument: "" };
  }
  const pause = PAUSE.exec(said);
  if (pause) return { name: "pause", argument: pause[1] ?? "" };
  return undefined;
}
