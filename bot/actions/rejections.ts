import { errorCard } from "../cards/index.js";
import type { ActionResult } from "./action-context.js";

/** Answers that write nothing; the messages say what happened without revealing anyone else's data. */
export const rejections = {
  malformed: (): ActionResult => ({
    outcome: "rejected",
    card: errorCard(
      "That card didn't make sense to me",
      "The answer it sent was incomplete or not valid. Nothing was recorded.",
    ),
  }),
  notYours: (): ActionResult => ({
    outcome: "rejected",
    card: errorCard(
      "That card isn't yours",
      "It was sent to someone else, or it no longer exists. Nothing was recorded.",
    ),
  }),
  notAnswerable: (status: string): ActionResult => ({
    outcome: "rejected",
    card: errorCard("That card can no longer be answered", `It is ${status}. Nothing was recorded.`),
  }),
  notYourTeam: (): ActionResult => ({
    outcome: "rejected",
    card: errorCard(
      "You can only observe your own team",
      "The checklist named someone who is not in a team you manage. Nothing was recorded.",
    ),
  }),
};
