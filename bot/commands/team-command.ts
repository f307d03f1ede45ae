import { teamFiguresByProgram } from "../../src/dashboard/index.js";
import { DEFAULT_MIN_GROUP_SIZE, type PeopleFigure } from "../../src/measure/index.js";
import { renderCard } from "../cards/index.js";
import type { CommandHandler } from "./command-context.js";

const describe = (figure: PeopleFigure, minimum: number) =>
  figure === null
    ? "not observed in the last 4 weeks"
    : figure === "withheld"
      ? `withheld (fewer than ${minimum} people observed)`
      : `${Math.round(figure * 100)}%`;

/**
 * Adoption on each team the person manages, per running program: the same figures as the tab's team view
 * (the share of the last four weeks' observations at the top of each behaviour's rubric, withheld below the
 * privacy minimum), with the observations they stand on, coverage, and a link to the tab for the trend.
 */
export const myTeam: CommandHandler = async ({ services, actor, settings }) => {
  const { storage } = services;
  const minimum = settings.minGroupSize ?? DEFAULT_MIN_GROUP_SIZE;
  const managed = (await storage.teams.teamsOf(actor.tenantId, actor.objectId)).filter((m) => m.role === "manager");
  const teams = [];
  for (const membership of managed) {
    const team = (await storage.teams.get(actor.tenantId, membership.teamId))?.value;
    if (!team) continue;
    for (const { program, figures } of await teamFiguresByProgram(storage, team, services.now(), { minimum }))
      teams.push({
        name: `${team.name} · ${program.name}`,
        adoption: figures.behaviours.map((b) => `${b.name}: ${describe(b.currentAdoption, minimum)}`).join(" · "),
        observations: `${figures.recentObservations} in the last 4 weeks`,
        coverage: `${figures.coverage.observed} of ${figures.coverage.members} in the last 30 days`,
      });
  }
  return [
    {
      summary: "Your team's adoption",
      card: renderCard("team-summary", {
        heading: managed.length === 1 ? "Your team" : "Your teams",
        hasTeams: teams.length > 0,
        emptyText:
          managed.length === 0
            ? "You don't manage a team in Throughline yet. Your L&D admin adds teams to programs."
            : "Your team is not in a running program yet.",
        teams,
        tabUrl: settings.tabUrl,
      }),
    },
  ];
};
