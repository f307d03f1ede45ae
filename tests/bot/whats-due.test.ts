import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AdaptiveCardJson, inputIds, renderDeliveryCard } from "../../bot/index.js";
import type { Storage } from "../../src/storage/index.js";
import { newTenantId, testStorage } from "../support/storage.js";
import { seedBotTenant } from "./support/bot-fixtures.js";
import { actionsOf, cardProblems, textOf } from "./support/card-validation.js";
import { cardsOf, chatAs, testBot } from "./support/chat.js";

const now = new Date("2026-11-24T12:00:00.000Z");
let storage: Storage;
let tenantId: string;
let seeded: Awaited<ReturnType<typeof seedBotTenant>>;

beforeAll(async () => {
  storage = await testStorage();
});
beforeEach(async () => {
  tenantId = newTenantId();
  seeded = await seedBotTenant(storage, tenantId, now);
});

/** The seeded deliveries were sent to the chat "conversation-1", as message "activity-1". */
const managerChat = (conversationId = "conversation-1") =>
  chatAs(testBot(storage, now), { tenantId, objectId: seeded.manager, name: "Maya Manager", conversationId });

/** The item lines of a due list: title, status and the verbs of its buttons. */
function linesOf(card: AdaptiveCardJson) {
  const items = (card.body as Record<string, unknown>[]).filter((e) => e.type === "Container");
  return items.map((item) => {
    const text = textOf(item);
    return {
      title: text.split("\n")[0],
      status: /\n(To do|Coming up|Done|Missed)(\n|$)/.exec(text)?.[1],
      buttons: actionsOf(item)
        .filter((a) => a.type === "Action.Execute")
        .map((a) => `${a.verb} ${String(a.data?.deliveryId)}`),
    };
  });
}

describe("what's due leads somewhere", () => {
  it("offers each open item's card again, and Done on a challenge and a guide; a done item has no buttons", async () => {
    const chat = managerChat();
    await chat.execute("guide.done", { verb: "guide.done", deliveryId: seeded.deliveries.talk.id });
    const [list] = await chat.say("what's due");
    expect(cardProblems(list)).toEqual([]);
    const { challenge, talk, guide, checklist } = seeded.deliveries;
    expect(linesOf(list as AdaptiveCardJson)).toEqual([
      {
        title: "Discovery checklist",
        status: "To do",
        buttons: [`due.open ${checklist.id}`],
      },
      { title: "1:1 on discovery", status: "To do", buttons: [`due.open ${guide.id}`, `due.done ${guide.id}`] },
      { title: "Monday huddle", status: "Done", buttons: [] },
      {
        title: "Count the open questions",
        status: "To do",
        buttons: [`due.open ${challenge.id}`, `due.done ${challenge.id}`],
      },
    ]);
    expect(talk.id).not.toBe(checklist.id);
    // Every button has an Action.Submit fallback with the same data, for clients without Universal Actions.
    const executes = actionsOf(list).filter((a) => a.type === "Action.Execute" && a.verb?.startsWith("due."));
    const submits = actionsOf(list).filter((a) => a.type === "Action.Submit");
    expect(submits.map((s) => s.data)).toEqual(executes.map((e) => e.data));
  });

  it("Open sends the checklist again as the scheduled send rendered it; filling that card records once", async () => {
    const chat = managerChat();
    const { checklist } = seeded.deliveries;
    const opened = await chat.click("due.open", { verb: "due.open", deliveryId: checklist.id });
    expect(linesOf(opened.card).map((l) => l.title)).toContain("Discovery checklist");
    expect(opened.sent).toHaveLength(1);
    const asset = seeded.assets.find((a) => a.id === "checklist-1");
    if (!asset) throw new Error("fixture");
    const scheduled = renderDeliveryCard(checklist, asset, { team: seeded.team, program: seeded.program });
    expect(opened.sent[0]).toEqual(scheduled.card);

    const [ana, ben] = seeded.team.members;
    const recorded = await chat.execute("checklist.submit", {
      verb: "checklist.submit",
      deliveryId: checklist.id,
      [inputIds.rating(ana?.objectId ?? "", "open-questions")]: "2",
      [inputIds.rating(ana?.objectId ?? "", "summarises-need")]: "1",
      [inputIds.rating(ben?.objectId ?? "", "summarises-need")]: "2",
    });
    expect(textOf(recorded)).toContain("3 observations recorded");
    const observations = (await storage.observations.latest(tenantId, seeded.team.id)).items;
    expect(
      observations.map((o) => `${o.memberObjectId === ana?.objectId ? "ana" : "ben"} ${o.behaviourId}`).sort(),
    ).toEqual(["ana open-questions", "ana summarises-need", "ben summarises-need"]);
    // The list now shows it done, and opening the stale line again sends nothing.
    const again = await chat.click("due.open", { verb: "due.open", deliveryId: checklist.id });
    expect(again.sent).toEqual([]);
    expect(textOf(again.card)).toContain('"Discovery checklist" is no longer open.');
    expect(linesOf(again.card).find((l) => l.title === "Discovery checklist")?.status).toBe("Done");
  });

  it("Done on a challenge records it, updates the challenge's own card in place, and a second click changes nothing", async () => {
    const chat = managerChat();
    const { challenge } = seeded.deliveries;
    const done = await chat.click("due.done", { verb: "due.done", deliveryId: challenge.id });
    expect(textOf(done.card)).toContain("Done: Count the open questions");
    expect(linesOf(done.card).find((l) => l.title === "Count the open questions")).toEqual({
      title: "Count the open questions",
      status: "Done",
      buttons: [],
    });
    expect((await storage.challengeCompletions.get(tenantId, seeded.manager, challenge.id))?.outcome).toBe("done");
    expect((await storage.deliveries.get(tenantId, seeded.manager, challenge.id))?.value.status).toBe("completed");
    expect(chat.updates.map((u) => u.id)).toEqual(["activity-1"]);
    expect(textOf(chat.updates[0]?.attachments?.[0]?.content)).toMatch(/Done — 24 Nov/);

    const twice = await chat.click("due.done", { verb: "due.done", deliveryId: challenge.id });
    expect(textOf(twice.card)).toContain('"Count the open questions" was already done.');
    expect(linesOf(twice.card).find((l) => l.title === "Count the open questions")?.status).toBe("Done");
    expect(chat.updates).toHaveLength(1);
  });

  it("a checklist asked for twice is one open checklist, listed once", async () => {
    const chat = managerChat("a:manager-chat");
    const first = cardsOf(await chat.send("log observation"));
    const second = cardsOf(await chat.send("log observation"));
    const idOf = (card: unknown) => actionsOf(card).find((a) => a.type === "Action.Execute")?.data?.deliveryId;
    expect(idOf(second[0])).toBe(idOf(first[0]));
    const [list] = await chat.say("what's due");
    expect(linesOf(list as AdaptiveCardJson).filter((l) => l.title === "Discovery checklist")).toHaveLength(1);
    const open = await storage.deliveries.forRecipient(tenantId, seeded.manager, {
      from: new Date(now.getTime() - 86_400_000),
      to: new Date(now.getTime() + 60_000),
    });
    expect(open.items.filter((d) => d.value.scheduleEntryId === "on-demand")).toHaveLength(1);
  });

  it("says so when everything is done, and when nothing is due", async () => {
    const chat = managerChat();
    const { challenge, talk, guide, checklist } = seeded.deliveries;
    await chat.execute("challenge.skip", { verb: "challenge.skip", deliveryId: challenge.id });
    for (const d of [talk, guide]) await chat.execute("guide.done", { verb: "guide.done", deliveryId: d.id });
    const [ana] = seeded.team.members;
    await chat.execute("checklist.submit", {
      verb: "checklist.submit",
      deliveryId: checklist.id,
      [inputIds.rating(ana?.objectId ?? "", "open-questions")]: "0",
    });
    const [list] = await chat.say("what's due");
    expect(textOf(list)).toContain("Nothing left to do this week.");
    expect(actionsOf(list).filter((a) => a.verb?.startsWith("due."))).toEqual([]);

    const member = chatAs(testBot(storage, now), { tenantId, objectId: seeded.team.members[3]?.objectId });
    expect(textOf((await member.say("what's due"))[0])).toContain("Nothing is due this week.");
  });

  it("someone else's item, or a forged click, writes nothing", async () => {
    const learner = chatAs(testBot(storage, now), { tenantId, objectId: seeded.learner, conversationId: "c-2" });
    const foreign = await learner.click("due.done", { verb: "due.done", deliveryId: seeded.deliveries.challenge.id });
    expect(textOf(foreign.card)).toContain("That item is not yours, or it no longer exists.");
    const malformed = await learner.click("due.done", { verb: "due.done", deliveryId: "../../x" });
    expect(textOf(malformed.card)).toContain("That card didn't make sense to me");
    const needsAnswers = await learner.click("due.done", { verb: "due.done", deliveryId: seeded.deliveries.nudge.id });
    expect(textOf(needsAnswers.card)).toContain('"Try an open question" needs your answers: open it to fill it in.');
    expect(
      await storage.challengeCompletions.get(tenantId, seeded.manager, seeded.deliveries.challenge.id),
    ).toBeUndefined();
    expect(await storage.nudgeResponses.get(tenantId, seeded.learner, seeded.deliveries.nudge.id)).toBeUndefined();
  });

  it("works from a client without Universal Actions: the submit opens the card and replaces the list", async () => {
    const chat = managerChat();
    const replies = await chat.send({
      type: "message",
      replyToId: "list-message",
      value: { verb: "due.open", deliveryId: seeded.deliveries.guide.id },
    });
    expect(textOf(cardsOf(replies)[0])).toContain("1:1 on discovery");
    expect(chat.updates.map((u) => u.id)).toEqual(["list-message"]);
    expect(textOf(chat.updates[0]?.attachments?.[0]?.content)).toMatch(/^Due this week/);
  });
});
