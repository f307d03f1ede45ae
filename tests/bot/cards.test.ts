import { describe, expect, it } from "vitest";
import {
  type AdaptiveCardJson,
  CardTooLargeError,
  confirmationCard,
  errorCard,
  inputIds,
  renderCard,
  renderDeliveryCard,
  type TemplateName,
  templateNames,
} from "../../bot/cards/index.js";
import type { Asset } from "../../src/domain/index.js";
import { botProgram, sentDelivery } from "./support/bot-fixtures.js";
import { actionsOf, cardProblems, inputIdsOf, textOf, unboundExpressions } from "./support/card-validation.js";

const tenantId = "0f6b5c7e-1d2a-4b3c-8d4e-5f6a7b8c9d0e";
const { team, program, assets } = botProgram(tenantId);
const slot = new Date("2026-11-24T09:00:00.000Z");
const asset = (id: string): Asset => assets.find((a) => a.id === id) as Asset;
const scheduleEntry = { "challenge-1": "challenge", "talk-1": "talk", "guide-1": "guide", "checklist-1": "checklist" };

function deliveryCardOf(assetId: string, entryId = scheduleEntry[assetId as keyof typeof scheduleEntry] ?? "nudge") {
  const recipient = ["nudge-1", "check-1"].includes(assetId)
    ? (team.members[0]?.objectId ?? "")
    : team.manager.objectId;
  const delivery = sentDelivery(program, team, assetId, recipient, slot, entryId);
  return { delivery, outbound: renderDeliveryCard(delivery, asset(assetId), { team, program }) };
}

/** One card per template, rendered with sample data. */
const samples: Record<TemplateName, AdaptiveCardJson> = {
  welcome: renderCard("welcome", {
    heading: "Hi Maya — I'm Throughline",
    intro: "I bring your team's reinforcement into this chat.",
    commands: [
      { command: "what's due", description: "This week's items" },
      { command: "my team", description: "Adoption on your team" },
    ],
    tabUrl: "https://teams.microsoft.com/l/entity/app/home",
  }),
  "micro-challenge": deliveryCardOf("challenge-1").outbound.card,
  guide: deliveryCardOf("guide-1").outbound.card,
  "observation-checklist": deliveryCardOf("checklist-1").outbound.card,
  nudge: deliveryCardOf("nudge-1").outbound.card,
  "skills-check": deliveryCardOf("check-1", "check-post").outbound.card,
  confirmation: confirmationCard({
    kindLabel: "Observation checklist",
    title: "Discovery checklist",
    headline: "4 observations recorded",
    facts: [{ title: "Ana Alves", value: "Consistently" }],
    detail: "Thanks — your team view is updated.",
  }),
  error: errorCard("That didn't work", "This card is not yours."),
  "due-list": renderCard("due-list", {
    heading: "Due this week",
    hasNotice: true,
    notice: "Done: Monday huddle",
    noticeColor: "Good",
    hasItems: true,
    emptyText: "Nothing due.",
    allDone: false,
    allDoneText: "Nothing left to do this week.",
    items: [
      {
        deliveryId: "20261124T090000Z-0123456789abcdef",
        title: "Count the open questions",
        kindLabel: "Micro-challenge",
        when: "Tue 24 Nov",
        status: "To do",
        statusColor: "Accent",
        canOpen: true,
        openTitle: "Open the challenge",
        canComplete: true,
        completeTitle: "Done",
      },
    ],
    hasMore: true,
    moreText: "…and 3 more this week.",
    tabUrl: "https://teams.microsoft.com/l/entity/app/home",
  }),
  "team-summary": renderCard("team-summary", {
    heading: "Your team",
    hasTeams: true,
    emptyText: "",
    teams: [{ name: "North sales", adoption: "40%", observations: "10", coverage: "4 of 4" }],
    tabUrl: "https://teams.microsoft.com/l/entity/app/home",
  }),
};

describe("card templates", () => {
  it.each(templateNames)("%s renders to a valid Adaptive Card 1.5 with every expression bound, under 28 KB", (name) => {
    const card = samples[name];
    expect(card.version).toBe("1.5");
    expect(cardProblems(card)).toEqual([]);
    expect(unboundExpressions(card)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
  });

  it("a talk track renders through the guide template with its steps", () => {
    const card = deliveryCardOf("talk-1").outbound.card;
    expect(cardProblems(card)).toEqual([]);
    expect(textOf(card)).toContain("Pick a deal that needs discovery.");
    expect(textOf(card)).toContain("Talk track");
  });

  it("every Action.Execute carries one verb, the same verb in its data, and an Action.Submit fallback", () => {
    for (const name of [
      "micro-challenge",
      "guide",
      "observation-checklist",
      "nudge",
      "skills-check",
      "due-list",
    ] as const) {
      const card = samples[name];
      const executes = actionsOf(card).filter((a) => a.type === "Action.Execute");
      const submits = actionsOf(card).filter((a) => a.type === "Action.Submit");
      expect(executes.length, name).toBeGreaterThan(0);
      expect(submits.map((s) => s.data)).toEqual(executes.map((e) => e.data));
      for (const action of executes) expect(action.data?.verb).toBe(action.verb);
      expect(new Set(executes.map((e) => e.verb)).size).toBe(executes.length);
    }
  });

  it("the checklist asks for every member on every targeted behaviour, on that behaviour's rubric", () => {
    const { delivery, outbound } = deliveryCardOf("checklist-1");
    const ids = inputIdsOf(outbound.card);
    for (const member of team.members) {
      for (const behaviour of program.chain.behaviours)
        expect(ids).toContain(inputIds.rating(member.objectId, behaviour.id));
      expect(ids).toContain(inputIds.note(member.objectId));
    }
    expect(ids).toHaveLength(team.members.length * 3);
    expect(textOf(outbound.card)).toContain("Consistently");
    expect(actionsOf(outbound.card)[0]?.data).toEqual({ verb: "checklist.submit", deliveryId: delivery.id });
  });

  it("a skills check offers each question's options and says whether it is the pre or post check", () => {
    const pre = deliveryCardOf("check-1", "check-pre").outbound.card;
    const post = samples["skills-check"];
    expect(inputIdsOf(post)).toEqual(["q:q1", "q:q2", "q:q3"]);
    expect(textOf(pre)).toContain("before the program");
    expect(textOf(post)).toContain("after the program");
    expect(textOf(post)).toContain("Before proposing");
  });

  it("the due label is the slot in the recipient's own time zone, and the summary names the asset", () => {
    const { outbound } = deliveryCardOf("challenge-1");
    expect(textOf(outbound.card)).toContain("Tue 24 Nov");
    expect(outbound.summary).toBe("Micro-challenge: Count the open questions");
  });

  it("a checklist for 30 members on 2 behaviours fits in 28 KB; a larger one is refused before any send", () => {
    const { delivery } = deliveryCardOf("checklist-1");
    const members = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        objectId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        displayName: `Team member number ${i}`,
        timeZone: "Europe/London",
        locale: "en-GB",
      }));
    const render = (n: number) =>
      renderDeliveryCard(delivery, asset("checklist-1"), { team: { ...team, members: members(n) }, program });
    expect(cardProblems(render(30).card)).toEqual([]);
    expect(() => render(60)).toThrow(CardTooLargeError);
  });

  it("binds user text as data, never as template expressions", () => {
    const userText = ["$", "{title} {{DATE(x)}}"].join("");
    const card = confirmationCard({ kindLabel: "x", title: userText, headline: "$when" });
    expect(textOf(card)).toContain(userText);
    expect(cardProblems(card)).toEqual([]);
  });
});
