import { isTopLevel, type Observation, type Program } from "../../src/domain/index.js";
import { renderCard } from "../cards/index.js";
import type { CommandHandler } from "./command-context.js";

const WINDOW_DAYS = 30;

/**
 * Adoption on each team the person manages: the share of the last 30 days' observations at the top of
 * their behaviour's rubric, with how many members were observed, and a link to the tab for the trend.
 */
export const myTeam: CommandHandler = async ({ services, actor, settings }) => {
  const { storage } = services;
  const since = new Date(services.now().getTime() - WINDOW_DAYS * 86_400_000);
  const managed = (await storage.teams.teamsOf(actor.tenantId, actor.objectId)).filter((m) => m.role === "manager");
  const programs = new Map<string, Program | undefined>();
  const teams = [];
  for (const membership of managed) {
    const team = (await storage.teams.get(actor.tenantId, membership.teamId))?.value;
    if (!team) continue;
    const observations: Observation[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await storage.observations.since(actor.tenantId, team.id, since, {
        pageSize: 1000,
        continuationToken,
      });
      observations.push(...page.items);
      continuationToken = page.continuationToken;
    } while (continuationToken);

    let top = 0;
    let rated = 0;
    for (const o of observations) {
      if (!programs.has(o.programId))
        programs.set(o.programId, (await storage.programs.get(actor.tenantId, o.programId))?.value);
      const behaviour = programs.get(o.programId)?.chain.behaviours.find((b) => b.id === o.behaviourId);
      if (!behaviour) continue;
      rated++;
      if (isTopLevel(behaviour.rubric, o.levelIndex)) top++;
    }
    const observed = new Set(observations.map((o) => o.memberObjectId)).size;
    teams.push({
      name: team.name,
      adoption: rated === 0 ? "no observations yet" : `${Math.round((100 * top) / rated)}% at the top level`,
      observations: `${observations.length} in the last ${WINDOW_DAYS} days`,
      coverage: `${observed} of ${team.members.length}`,
    });
  }
  return [
    {
      summary: "Your team's adoption",
      card: renderCard("team-summary", {
        heading: teams.length === 1 ? "Your team" : "Your teams",
        hasTeams: teams.length > 0,
        emptyText: "You don't manage a team in Throughline yet. Your L&D admin adds teams to programs.",
        teams,
        tabUrl: settings.tabUrl,
      }),
    },
  ];
};
