import type { CommandContext, CommandHandler, CommandReply } from "./command-context.js";
import { whatsDue } from "./due-command.js";
import { welcomeReply } from "./help-command.js";
import { logObservation } from "./observe-command.js";
import { type CommandName, parseCommand } from "./parse-command.js";
import { pause, resume } from "./pause-command.js";
import { myTeam } from "./team-command.js";

export const commandHandlers: Record<CommandName, CommandHandler> = {
  help: async (context) => [welcomeReply(context.settings, context.displayName)],
  due: whatsDue,
  team: myTeam,
  observe: logObservation,
  pause,
  resume,
};

/** Runs the command the text asks for; anything else gets the short help card, never silence. */
export async function routeCommand(context: CommandContext, text: string): Promise<CommandReply[]> {
  const command = parseCommand(text);
  if (!command)
    return [
      welcomeReply(
        context.settings,
        context.displayName,
        `I didn't catch "${text.trim().slice(0, 60)}". Here's what I understand:`,
      ),
    ];
  return commandHandlers[command.name](context, command.argument);
}
