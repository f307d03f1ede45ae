import { dueListCard } from "../due/index.js";
import type { CommandHandler } from "./command-context.js";

/** This week's deliveries to the person (Monday to Sunday in their own time zone), each one a step away. */
export const whatsDue: CommandHandler = async ({ services, actor, settings }) => [
  { summary: "Due this week", card: await dueListCard(services, actor, settings.tabUrl) },
];
