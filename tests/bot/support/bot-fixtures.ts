import { randomUUID } from "node:crypto";
import {
  type Asset,
  type Delivery,
  deliveryIdFor,
  type Program,
  parseProgram,
  parseTeam,
  type Team,
} from "../../../src/domain/index.js";
import type { Storage } from "../../../src/storage/index.js";

/** A small program of a fresh tenant: one team (a manager, four members), every asset kind, two behaviours. */
export function botProgram(tenantId: string) {
  const person = (displayName: string, timeZone = "Europe/London") => ({
    objectId: randomUUID(),
    displayName,
    timeZone,
    locale: "en-GB",
  });
  const team: Team = parseTeam({
    id: "team-north",
    tenantId,
    name: "North sales",
    manager: person("Maya Manager"),
    members: [person("Ana Alves"), person("Ben Brook"), person("Chen Chu", "Asia/Kolkata"), person("Dara Diaz")],
  });
  const otherTeam: Team = parseTeam({
    id: "team-south",
    tenantId,
    name: "South sales",
    manager: person("Sam Other"),
    members: [person("Eve Else"), person("Finn Far")],
  });
  const at = "2026-11-01T00:00:00.000Z";
  const program: Program = parseProgram({
    id: "prog-bot",
    tenantId,
    name: "Discovery that wins",
    status: "active",
    outcomeKpiId: "win-rate",
    window: { start: "2026-11-02", end: "2026-12-31" },
    teams: [
      { teamId: team.id, role: "pilot" },
      { teamId: otherTeam.id, role: "pilot" },
    ],
    chain: {
      skills: [{ id: "discovery", name: "Needs discovery" }],
      behaviours: [
        {
          id: "open-questions",
          name: "Asks open discovery questions",
          skillIds: ["discovery"],
          rubric: { levels: ["Not yet", "Sometimes", "Consistently"] },
          kpiIds: ["win-rate"],
        },
        {
          id: "summarises-need",
          name: "Summarises the need before proposing",
          skillIds: ["discovery"],
          rubric: { levels: ["Not yet", "Sometimes", "Consistently"] },
          kpiIds: ["win-rate"],
        },
      ],
    },
    schedule: {
      entries: [
        entry("challenge", "challenge-1", "managers"),
        entry("talk", "talk-1", "managers"),
        entry("guide", "guide-1", "managers"),
        entry("checklist", "checklist-1", "managers"),
        entry("nudge", "nudge-1", "learners"),
        { ...entry("check-pre", "check-1", "learners"), phase: "pre" },
        { ...entry("check-post", "check-1", "learners"), phase: "post" },
      ],
    },
    createdAt: at,
    updatedAt: at,
  });
  const base = { tenantId, programId: program.id, updatedAt: at };
  const assets: Asset[] = [
    {
      ...base,
      id: "challenge-1",
      kind: "micro_challenge",
      title: "Count the open questions",
      behaviourIds: ["open-questions"],
      content: { task: "Join one call and count the open questions.", reflectionPrompt: "Which question worked best?" },
    },
    {
      ...base,
      id: "talk-1",
      kind: "talk_track",
      title: "Monday huddle",
      behaviourIds: ["open-questions"],
      content: { intro: "Five minutes.", steps: ["Share one great question.", "Pick a deal that needs discovery."] },
    },
    {
      ...base,
      id: "guide-1",
      kind: "conversation_guide",
      title: "1:1 on discovery",
      behaviourIds: ["summarises-need"],
      content: { opening: "Let's look at one call.", questions: ["What was the problem?"], closing: "Pick one." },
    },
    {
      ...base,
      id: "checklist-1",
      kind: "observation_checklist",
      title: "Discovery checklist",
      behaviourIds: ["open-questions", "summarises-need"],
      content: { instructions: "Rate what you saw in the last two weeks." },
    },
    {
      ...base,
      id: "nudge-1",
      kind: "nudge",
      title: "Try an open question",
      behaviourIds: ["open-questions"],
      content: { prompt: "Swap one yes/no question for an open one. How did it land?", style: "practice" },
    },
    {
      ...base,
      id: "check-1",
      kind: "skills_check",
      title: "Discovery skills check",
      behaviourIds: ["open-questions"],
      content: {
        questions: [
          {
            id: "q1",
            text: "Which is open?",
            options: ["Do you have budget?", "What happens if not?"],
            correctIndex: 1,
          },
          { id: "q2", text: "When to summarise?", options: ["After", "Before proposing", "Never"], correctIndex: 1 },
          { id: "q3", text: "Best next step?", options: ["Demo", "Ask the cost"], correctIndex: 1 },
        ],
      },
    },
  ];
  return { team, otherTeam, program, assets };
}

function entry(id: string, assetId: string, audience: "managers" | "learners") {
  return {
    id,
    assetId,
    audience,
    cadence: { kind: "weekly" as const, weekdays: [2], everyWeeks: 1, fromWeek: 1 },
    localTime: "09:00",
  };
}

/** A sent delivery of `assetId` to `recipient` at `slot`. */
export function sentDelivery(
  program: Program,
  team: Team,
  assetId: string,
  recipientObjectId: string,
  slot: Date,
  scheduleEntryId: string,
): Delivery {
  return {
    id: deliveryIdFor(program.id, assetId, recipientObjectId, slot),
    tenantId: program.tenantId,
    programId: program.id,
    assetId,
    scheduleEntryId,
    teamId: team.id,
    recipientObjectId,
    recipientRole: team.manager.objectId === recipientObjectId ? "manager" : "learner",
    slot: slot.toISOString(),
    status: "sent",
    attempts: 1,
    lastError: null,
    activityId: "activity-1",
    conversationId: "conversation-1",
    sentAt: slot.toISOString(),
    completedAt: null,
    updatedAt: slot.toISOString(),
  };
}

/** Seeds the program into storage with one sent delivery of every asset (to the manager or the first member). */
export async function seedBotTenant(storage: Storage, tenantId: string, now: Date) {
  const fixture = botProgram(tenantId);
  const { team, otherTeam, program, assets } = fixture;
  await storage.teams.save(team);
  await storage.teams.save(otherTeam);
  await storage.programs.save(program);
  for (const asset of assets) await storage.assets.save(asset);
  const manager = team.manager.objectId;
  const learner = team.members[0]?.objectId ?? "";
  const slot = new Date(now.getTime() - 3_600_000);
  const deliveries = {
    challenge: sentDelivery(program, team, "challenge-1", manager, slot, "challenge"),
    talk: sentDelivery(program, team, "talk-1", manager, new Date(slot.getTime() - 60_000), "talk"),
    guide: sentDelivery(program, team, "guide-1", manager, new Date(slot.getTime() - 120_000), "guide"),
    checklist: sentDelivery(program, team, "checklist-1", manager, new Date(slot.getTime() - 180_000), "checklist"),
    nudge: sentDelivery(program, team, "nudge-1", learner, slot, "nudge"),
    skillsPre: sentDelivery(program, team, "check-1", learner, new Date(slot.getTime() - 60_000), "check-pre"),
  };
  for (const d of Object.values(deliveries)) await storage.deliveries.create(d);
  return { ...fixture, manager, learner, deliveries };
}
