import { randomUUID } from "node:crypto";
import type { Activity } from "botbuilder";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleCardAction, inputIds } from "../../bot/index.js";
import { InlineTeamsCalls, TeamsBudget, TenantRateLimiter } from "../../src/delivery/index.js";
import { keys, type Storage } from "../../src/storage/index.js";
import { ManualClock } from "../support/manual-clock.js";
import { newTenantId, testStorage } from "../support/storage.js";
import { seedBotTenant, sentDelivery } from "./support/bot-fixtures.js";
import { cardProblems, textOf } from "./support/card-validation.js";
import { chatAs, testBot } from "./support/chat.js";

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

const managerChat = () => chatAs(testBot(storage, now), { tenantId, objectId: seeded.manager, name: "Maya Manager" });
const learnerChat = () => chatAs(testBot(storage, now), { tenantId, objectId: seeded.learner, name: "Ana Alves" });

async function deliveryStatus(recipient: string, id: string) {
  return (await storage.deliveries.get(tenantId, recipient, id))?.value.status;
}

async function observationsOfTeam(teamId = seeded.team.id) {
  return (await storage.observations.latest(tenantId, teamId, { pageSize: 1000 })).items;
}

function checklistRatings(members: { objectId: string }[], level: string) {
  const data: Record<string, string> = {};
  for (const m of members) {
    data[inputIds.rating(m.objectId, "open-questions")] = level;
    data[inputIds.rating(m.objectId, "summarises-need")] = "1";
  }
  return data;
}

describe("micro-challenge actions", () => {
  it("Done records the completion, completes the delivery and replaces the card with its done state", async () => {
    const chat = managerChat();
    const { challenge } = seeded.deliveries;
    const card = await chat.execute("challenge.done", {
      verb: "challenge.done",
      deliveryId: challenge.id,
      reflection: "Four open questions.",
    });
    expect(cardProblems(card)).toEqual([]);
    expect(textOf(card)).toContain("Done — 24 Nov");
    expect(textOf(card)).toContain("Four open questions.");
    const completion = await storage.challengeCompletions.get(tenantId, seeded.manager, challenge.id);
    expect(completion).toMatchObject({ outcome: "done", reflection: "Four open questions.", teamId: "team-north" });
    expect(await deliveryStatus(seeded.manager, challenge.id)).toBe("completed");
  });

  it("a second click, even on the other button, records nothing new and shows the current state", async () => {
    const chat = managerChat();
    const { challenge } = seeded.deliveries;
    await chat.execute("challenge.done", { verb: "challenge.done", deliveryId: challenge.id });
    const again = await chat.execute("challenge.skip", { verb: "challenge.skip", deliveryId: challenge.id });
    expect(textOf(again)).toContain("Done — 24 Nov");
    const records = await storage.challengeCompletions.forPerson(tenantId, seeded.manager);
    expect(records.items).toHaveLength(1);
    expect(records.items[0]?.outcome).toBe("done");
  });

  it("Skip records a skipped challenge", async () => {
    const card = await managerChat().execute("challenge.skip", {
      verb: "challenge.skip",
      deliveryId: seeded.deliveries.challenge.id,
    });
    expect(textOf(card)).toContain("Skipped — 24 Nov");
    expect(
      (await storage.challengeCompletions.get(tenantId, seeded.manager, seeded.deliveries.challenge.id))?.outcome,
    ).toBe("skipped");
  });

  it("an Action.Submit fallback (a message with a value) updates the clicked card in place", async () => {
    const chat = managerChat();
    const updates: Partial<Activity>[] = [];
    chat.adapter.updateActivity = async (_context, activity) => {
      updates.push(activity);
    };
    const replies = await chat.send({
      type: "message",
      replyToId: "card-activity-7",
      value: { verb: "challenge.done", deliveryId: seeded.deliveries.challenge.id },
    });
    expect(replies).toEqual([]);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.id).toBe("card-activity-7");
    expect(textOf(updates[0]?.attachments?.[0]?.content)).toContain("Done — 24 Nov");
    expect(await deliveryStatus(seeded.manager, seeded.deliveries.challenge.id)).toBe("completed");
  });
  it("an Action.Submit card update waits for its slot in the tenant's shared Teams budget", async () => {
    // One request a second for the tenant, on a clock the test moves.
    const clock = new ManualClock(now.getTime());
    const limiter = new TenantRateLimiter(storage.coordination, { perSecond: 1, burst: 1, grant: 1, clock });
    const teamsCalls = new InlineTeamsCalls(new TeamsBudget(limiter, clock));
    const chat = chatAs(testBot(storage, now, { teamsCalls }), { tenantId, objectId: seeded.manager });
    const updates: Partial<Activity>[] = [];
    chat.adapter.updateActivity = async (_context, activity) => {
      updates.push(activity);
    };
    const click = (replyToId: string) =>
      chat.send({
        type: "message",
        replyToId,
        value: { verb: "challenge.done", deliveryId: seeded.deliveries.challenge.id },
      });
    await click("card-1");
    expect(updates.map((u) => u.id)).toEqual(["card-1"]);
    // The first update took the slot of this second: the next waits for the one after.
    const second = click("card-2");
    for (let i = 0; i < 2_000 && clock.sleeping === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(clock.sleeping).toBe(1);
    expect(updates).toHaveLength(1);
    clock.advance(1_000);
    await second;
    expect(updates.map((u) => u.id)).toEqual(["card-1", "card-2"]);
    const row = await storage.coordination.read<{ tat: number }>(keys.tenantCoordination(tenantId, "rate-schedule"));
    expect(row?.value.tat).toBe(now.getTime() + 2_000);
  });
});

describe("authorisation and bad submits write nothing", () => {
  async function expectNothingWritten() {
    expect(await deliveryStatus(seeded.manager, seeded.deliveries.challenge.id)).toBe("sent");
    expect(await deliveryStatus(seeded.manager, seeded.deliveries.checklist.id)).toBe("sent");
    expect((await storage.challengeCompletions.forPerson(tenantId, seeded.manager)).items).toEqual([]);
    expect((await storage.challengeCompletions.forPerson(tenantId, seeded.learner)).items).toEqual([]);
    expect(await observationsOfTeam()).toEqual([]);
  }

  it("someone else's delivery id is not found in the actor's own deliveries", async () => {
    const card = await learnerChat().execute("challenge.done", {
      verb: "challenge.done",
      deliveryId: seeded.deliveries.challenge.id,
    });
    expect(textOf(card)).toContain("That card isn't yours");
    await expectNothingWritten();
  });

  it("the same person id in another tenant finds nothing", async () => {
    const chat = chatAs(testBot(storage, now), { tenantId: newTenantId(), objectId: seeded.manager });
    const card = await chat.execute("challenge.done", {
      verb: "challenge.done",
      deliveryId: seeded.deliveries.challenge.id,
    });
    expect(textOf(card)).toContain("That card isn't yours");
    await expectNothingWritten();
  });

  it("an activity without a verified Entra identity or tenant is refused", async () => {
    for (const options of [
      { tenantId, objectId: undefined },
      { tenantId: undefined, objectId: seeded.manager },
      { tenantId: "not-a-guid", objectId: seeded.manager },
    ]) {
      const card = await chatAs(testBot(storage, now), options).execute("challenge.done", {
        verb: "challenge.done",
        deliveryId: seeded.deliveries.challenge.id,
      });
      expect(textOf(card)).toContain("I couldn't tell who you are");
    }
    await expectNothingWritten();
  });

  it.each([
    ["no delivery id", "challenge.done", { verb: "challenge.done" }],
    ["a delivery id with key characters", "challenge.done", { verb: "challenge.done", deliveryId: "a/b#c" }],
    ["an unknown verb", "challenge.finish", { verb: "challenge.finish", deliveryId: "x" }],
    ["a verb that differs from the data's", "challenge.done", { verb: "challenge.skip", deliveryId: "x" }],
    ["a prototype key as verb", "constructor", { verb: "constructor", deliveryId: "x" }],
    ["a reflection that is not text", "challenge.done", { verb: "challenge.done", deliveryId: "x", reflection: 5 }],
  ] as [string, string, Record<string, unknown>][])("%s gets an error card", async (_label, verb, data) => {
    const fixed = { ...data, deliveryId: data.deliveryId === "x" ? seeded.deliveries.challenge.id : data.deliveryId };
    const card = await managerChat().execute(verb, fixed);
    expect(cardProblems(card)).toEqual([]);
    expect(textOf(card)).toContain("didn't make sense");
    await expectNothingWritten();
  });

  it("a verb for another kind of card is refused", async () => {
    const card = await managerChat().execute("checklist.submit", {
      verb: "checklist.submit",
      deliveryId: seeded.deliveries.challenge.id,
      ...checklistRatings(seeded.team.members, "2"),
    });
    expect(textOf(card)).toContain("didn't make sense");
    await expectNothingWritten();
  });

  it("an expired delivery can no longer be answered", async () => {
    const found = await storage.deliveries.get(tenantId, seeded.manager, seeded.deliveries.challenge.id);
    if (!found) throw new Error("seeded delivery missing");
    await storage.deliveries.save({ ...found.value, status: "expired" }, found.etag);
    const card = await managerChat().execute("challenge.done", {
      verb: "challenge.done",
      deliveryId: seeded.deliveries.challenge.id,
    });
    expect(textOf(card)).toContain("can no longer be answered");
    expect((await storage.challengeCompletions.forPerson(tenantId, seeded.manager)).items).toEqual([]);
  });
});

describe("observation checklist", () => {
  it("records each rated member × behaviour with the note, and shows the count in place", async () => {
    const [ana, ben] = seeded.team.members;
    if (!ana || !ben) throw new Error("fixture");
    const card = await managerChat().execute("checklist.submit", {
      verb: "checklist.submit",
      deliveryId: seeded.deliveries.checklist.id,
      ...checklistRatings([ana, ben], "2"),
      [inputIds.note(ana.objectId)]: "Great open question on the Fabrikam call.",
      [inputIds.note(ben.objectId)]: "",
      [inputIds.rating(seeded.team.members[2]?.objectId ?? "", "open-questions")]: "",
    });
    expect(cardProblems(card)).toEqual([]);
    expect(textOf(card)).toContain("4 observations recorded");
    expect(textOf(card)).toContain("Ana Alves");
    const observations = await observationsOfTeam();
    expect(observations).toHaveLength(4);
    expect(observations.every((o) => o.deliveryId === seeded.deliveries.checklist.id)).toBe(true);
    expect(observations.every((o) => o.managerObjectId === seeded.manager)).toBe(true);
    expect(
      observations.find((o) => o.memberObjectId === ana.objectId && o.behaviourId === "open-questions"),
    ).toMatchObject({ levelIndex: 2, note: "Great open question on the Fabrikam call." });
    expect(await deliveryStatus(seeded.manager, seeded.deliveries.checklist.id)).toBe("completed");
  });

  it("a replayed submit records nothing new and shows the same count", async () => {
    const chat = managerChat();
    const data = {
      verb: "checklist.submit",
      deliveryId: seeded.deliveries.checklist.id,
      ...checklistRatings(seeded.team.members.slice(0, 2), "2"),
    };
    await chat.execute("checklist.submit", data);
    const again = await chat.execute("checklist.submit", { ...data, ...checklistRatings(seeded.team.members, "0") });
    expect(textOf(again)).toContain("4 observations recorded");
    expect(await observationsOfTeam()).toHaveLength(4);
  });

  it("two submits at once (two instances) record the checklist exactly once", async () => {
    const data = {
      verb: "checklist.submit",
      deliveryId: seeded.deliveries.checklist.id,
      ...checklistRatings(seeded.team.members, "1"),
    };
    const actor = { tenantId, objectId: seeded.manager };
    const services = { storage, now: () => now };
    const results = await Promise.all([1, 2, 3].map(() => handleCardAction(services, actor, undefined, data)));
    expect(results.filter((r) => r.outcome === "recorded")).toHaveLength(1);
    expect(await observationsOfTeam()).toHaveLength(8);
  });

  it("a member of a team the actor does not manage is refused, and nothing is written", async () => {
    const card = await managerChat().execute("checklist.submit", {
      verb: "checklist.submit",
      deliveryId: seeded.deliveries.checklist.id,
      ...checklistRatings([seeded.team.members[0] as { objectId: string }, ...seeded.otherTeam.members], "2"),
    });
    expect(textOf(card)).toContain("You can only observe your own team");
    expect(await observationsOfTeam()).toEqual([]);
    expect(await observationsOfTeam(seeded.otherTeam.id)).toEqual([]);
    expect(await deliveryStatus(seeded.manager, seeded.deliveries.checklist.id)).toBe("sent");
  });

  it("a checklist delivered to someone who does not manage the team is refused", async () => {
    const { program, team, learner } = seeded;
    const delivery = sentDelivery(program, team, "checklist-1", learner, now, "checklist");
    await storage.deliveries.create(delivery);
    const card = await learnerChat().execute("checklist.submit", {
      verb: "checklist.submit",
      deliveryId: delivery.id,
      ...checklistRatings(team.members.slice(1), "2"),
    });
    expect(textOf(card)).toContain("You can only observe your own team");
    expect(await observationsOfTeam()).toEqual([]);
  });

  it.each([
    ["a level beyond the rubric", { "open-questions": "3" }],
    ["a level that is not a number", { "open-questions": "top" }],
    ["a behaviour the checklist does not target", { "other-behaviour": "1" }],
  ])("%s is malformed and writes nothing", async (_label, ratings) => {
    const member = seeded.team.members[0]?.objectId ?? "";
    const data: Record<string, unknown> = { verb: "checklist.submit", deliveryId: seeded.deliveries.checklist.id };
    for (const [behaviourId, level] of Object.entries(ratings)) data[inputIds.rating(member, behaviourId)] = level;
    const card = await managerChat().execute("checklist.submit", data);
    expect(textOf(card)).toContain("didn't make sense");
    expect(await observationsOfTeam()).toEqual([]);
    expect(await deliveryStatus(seeded.manager, seeded.deliveries.checklist.id)).toBe("sent");
  });

  it("an empty checklist asks again on the same card and writes nothing", async () => {
    const card = await managerChat().execute("checklist.submit", {
      verb: "checklist.submit",
      deliveryId: seeded.deliveries.checklist.id,
    });
    expect(cardProblems(card)).toEqual([]);
    expect(textOf(card)).toContain("Rate at least one person");
    expect(textOf(card)).toContain("Record observations");
    expect(await deliveryStatus(seeded.manager, seeded.deliveries.checklist.id)).toBe("sent");
  });
});

describe("talk track and conversation guide", () => {
  it("I used it completes the delivery, and a second click shows the same state", async () => {
    const chat = managerChat();
    for (const delivery of [seeded.deliveries.talk, seeded.deliveries.guide]) {
      const card = await chat.execute("guide.done", { verb: "guide.done", deliveryId: delivery.id });
      expect(textOf(card)).toContain("Used — 24 Nov");
      expect(await deliveryStatus(seeded.manager, delivery.id)).toBe("completed");
      const again = await chat.execute("guide.done", { verb: "guide.done", deliveryId: delivery.id });
      expect(textOf(again)).toContain("Used — 24 Nov");
    }
  });
});

describe("learner nudge", () => {
  it("records the answer and confidence once; a replay shows the first answer", async () => {
    const chat = learnerChat();
    const deliveryId = seeded.deliveries.nudge.id;
    const card = await chat.execute("nudge.respond", {
      verb: "nudge.respond",
      deliveryId,
      response: "Asked what success looks like — great answer.",
      confidence: "4",
    });
    expect(textOf(card)).toContain("Answered — 24 Nov");
    expect(textOf(card)).toContain("4 of 5");
    const again = await chat.execute("nudge.respond", {
      verb: "nudge.respond",
      deliveryId,
      response: "Changed my mind",
      confidence: "1",
    });
    expect(textOf(again)).toContain("Asked what success looks like");
    expect((await storage.nudgeResponses.forPerson(tenantId, seeded.learner)).items).toHaveLength(1);
    expect(await deliveryStatus(seeded.learner, deliveryId)).toBe("completed");
  });

  it("a missing answer asks again; an impossible confidence is malformed; neither writes", async () => {
    const chat = learnerChat();
    const deliveryId = seeded.deliveries.nudge.id;
    const missing = await chat.execute("nudge.respond", { verb: "nudge.respond", deliveryId, confidence: "3" });
    expect(textOf(missing)).toContain("Write a short answer");
    const noConfidence = await chat.execute("nudge.respond", { verb: "nudge.respond", deliveryId, response: "ok" });
    expect(textOf(noConfidence)).toContain("Pick how confident you feel");
    const tooHigh = await chat.execute("nudge.respond", {
      verb: "nudge.respond",
      deliveryId,
      response: "ok",
      confidence: "9",
    });
    expect(textOf(tooHigh)).toContain("didn't make sense");
    expect((await storage.nudgeResponses.forPerson(tenantId, seeded.learner)).items).toEqual([]);
    expect(await deliveryStatus(seeded.learner, deliveryId)).toBe("sent");
  });
});

describe("skills check", () => {
  const answers = { [inputIds.answer("q1")]: "1", [inputIds.answer("q2")]: "1", [inputIds.answer("q3")]: "0" };

  it("scores the answers on the server and records the pre result once", async () => {
    const chat = learnerChat();
    const deliveryId = seeded.deliveries.skillsPre.id;
    const card = await chat.execute("skills.submit", { verb: "skills.submit", deliveryId, ...answers });
    expect(textOf(card)).toContain("Score 2 of 3");
    expect(textOf(card)).toContain("Before the program");
    const result = await storage.skillsCheckResults.get(tenantId, seeded.learner, `${seeded.program.id}.pre`);
    expect(result).toMatchObject({ phase: "pre", answers: [1, 1, 0], score: 2, maxScore: 3 });
    const again = await chat.execute("skills.submit", {
      verb: "skills.submit",
      deliveryId,
      ...answers,
      [inputIds.answer("q3")]: "1",
    });
    expect(textOf(again)).toContain("Score 2 of 3");
  });

  it("an unanswered question asks again; an answer beyond the options is malformed; neither writes", async () => {
    const chat = learnerChat();
    const deliveryId = seeded.deliveries.skillsPre.id;
    const partial = await chat.execute("skills.submit", {
      verb: "skills.submit",
      deliveryId,
      [inputIds.answer("q1")]: "1",
    });
    expect(textOf(partial)).toContain("Answer every question");
    const beyond = await chat.execute("skills.submit", {
      verb: "skills.submit",
      deliveryId,
      ...answers,
      [inputIds.answer("q2")]: "7",
    });
    expect(textOf(beyond)).toContain("didn't make sense");
    expect(await storage.skillsCheckResults.get(tenantId, seeded.learner, `${seeded.program.id}.pre`)).toBeUndefined();
  });
});

it("an unknown person in a known tenant finds no delivery", async () => {
  const chat = chatAs(testBot(storage, now), { tenantId, objectId: randomUUID() });
  const card = await chat.execute("nudge.respond", {
    verb: "nudge.respond",
    deliveryId: seeded.deliveries.nudge.id,
    response: "x",
    confidence: "3",
  });
  expect(textOf(card)).toContain("That card isn't yours");
  expect((await storage.nudgeResponses.forPerson(tenantId, seeded.learner)).items).toEqual([]);
});
