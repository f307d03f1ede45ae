import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inputIds, parseCommand } from "../../bot/index.js";
import type { Observation } from "../../src/domain/index.js";
import { recordObservations } from "../../src/measure/index.js";
import type { CardItem, Storage } from "../../src/storage/index.js";
import { newTenantId, storageWithOwnQueue } from "../support/storage.js";
import { seedBotTenant, sentDelivery } from "./support/bot-fixtures.js";
import { actionsOf, cardProblems, textOf } from "./support/card-validation.js";
import { cardsOf, chatAs, tabUrl, testBot } from "./support/chat.js";

const now = new Date("2026-11-24T12:00:00.000Z");
let storage: Storage;
let tenantId: string;
let seeded: Awaited<ReturnType<typeof seedBotTenant>>;

beforeAll(async () => {
  storage = await storageWithOwnQueue();
});
beforeEach(async () => {
  tenantId = newTenantId();
  seeded = await seedBotTenant(storage, tenantId, now);
});

const managerChat = (conversationId?: string) =>
  chatAs(testBot(storage, now), { tenantId, objectId: seeded.manager, name: "Maya Manager", conversationId });
const learnerChat = () => chatAs(testBot(storage, now), { tenantId, objectId: seeded.learner, name: "Ana Alves" });

function expectValid(cards: unknown[]) {
  expect(cards.length).toBeGreaterThan(0);
  for (const card of cards) expect(cardProblems(card)).toEqual([]);
}

describe("commands", () => {
  it.each(["help", "HELP", "Hi!", "<at>Throughline</at> help", "  commands  ", "?"])(
    "%j shows the welcome card with every command and a link to the tab",
    async (text) => {
      const cards = await managerChat().say(text);
      expectValid(cards);
      const text0 = textOf(cards[0]);
      expect(text0).toContain("Hi Maya");
      for (const command of ["what's due", "my team", "log observation", "pause 7 days", "resume"])
        expect(text0).toContain(command);
      expect(JSON.stringify(cards[0])).toContain(tabUrl);
    },
  );

  it("anything else gets the short help card, never silence", async () => {
    const cards = await managerChat().say("what's the weather like?");
    expectValid(cards);
    expect(textOf(cards[0])).toContain(`I didn't catch "what's the weather like?"`);
    expect(textOf(cards[0])).toContain("log observation");
  });

  it("recognises the exact words and a few synonyms in any case", () => {
    expect(parseCommand("What’s due?")?.name).toBe("due");
    expect(parseCommand("THIS WEEK")?.name).toBe("due");
    expect(parseCommand("My Team")?.name).toBe("team");
    expect(parseCommand("Log Observation")?.name).toBe("observe");
    expect(parseCommand("pause 3 days")).toEqual({ name: "pause", argument: "3" });
    expect(parseCommand("Pause for 1 day")).toEqual({ name: "pause", argument: "1" });
    expect(parseCommand("unpause")?.name).toBe("resume");
    expect(parseCommand("please log an observation for me")).toBeUndefined();
    expect(parseCommand("pause three days")).toBeUndefined();
  });

  it("what's due lists this week's items with their state", async () => {
    const lastWeek = sentDelivery(
      seeded.program,
      seeded.team,
      "challenge-1",
      seeded.manager,
      new Date("2026-11-17T09:00:00.000Z"),
      "challenge",
    );
    await storage.deliveries.create(lastWeek);
    const chat = managerChat();
    await chat.execute("challenge.done", { verb: "challenge.done", deliveryId: seeded.deliveries.challenge.id });

    const cards = await chat.say("what's due");
    expectValid(cards);
    const text = textOf(cards[0]);
    expect(text).toContain("Due this week · 23 Nov – 29 Nov");
    for (const title of ["Count the open questions", "Monday huddle", "1:1 on discovery", "Discovery checklist"])
      expect(text).toContain(title);
    expect(text).toMatch(/Count the open questions[\s\S]*Done/);
    expect(text).toContain("To do");
    expect(text).toContain("Tue 24 Nov");
    expect(text.match(/Count the open questions/g)).toHaveLength(1);
  });

  it("what's due lists at most 12 items and points to the tab for the rest", async () => {
    const monday = new Date("2026-11-23T08:00:00.000Z");
    const more = Array.from({ length: 15 }, (_, i) =>
      sentDelivery(
        seeded.program,
        seeded.team,
        "nudge-1",
        seeded.manager,
        new Date(monday.getTime() + i * 60_000),
        "nudge",
      ),
    );
    await storage.deliveries.createMany(more);
    const cards = await managerChat().say("what's due");
    expectValid(cards);
    const text = textOf(cards[0]);
    expect(
      text.match(/Try an open question|Count the open questions|Monday huddle|1:1 on discovery|Discovery checklist/g),
    ).toHaveLength(12);
    expect(text).toContain("…and 7 more this week");
    expect(JSON.stringify(cards[0])).toContain(tabUrl);
  });

  it("what's due with nothing this week says so", async () => {
    const cards = await chatAs(testBot(storage, now), { tenantId, objectId: seeded.team.members[3]?.objectId }).say(
      "whats due",
    );
    expectValid(cards);
    expect(textOf(cards[0])).toContain("Nothing is due this week");
  });

  it("my team shows each behaviour's adoption over the last four weeks, what it stands on, coverage, and a link", async () => {
    const [ana, ben] = seeded.team.members;
    if (!ana || !ben) throw new Error("fixture");
    const observation = (memberObjectId: string, levelIndex: number, daysAgo: number): Observation => ({
      id: randomUUID(),
      tenantId,
      programId: seeded.program.id,
      teamId: seeded.team.id,
      managerObjectId: seeded.manager,
      memberObjectId,
      behaviourId: "open-questions",
      levelIndex,
      note: "",
      observedAt: new Date(now.getTime() - daysAgo * 86_400_000).toISOString(),
      deliveryId: null,
    });
    // The week of 24 Nov and the three before (from 2 Nov) hold three of these; 26 Oct and 10 Oct are older.
    await recordObservations(storage, seeded.program, seeded.team.id, [
      observation(ana.objectId, 2, 2),
      observation(ana.objectId, 1, 10),
      observation(ben.objectId, 0, 20),
      observation(ben.objectId, 1, 29),
      observation(ben.objectId, 2, 45),
    ]);
    // Two people observed: this deployment's minimum is 2, so the share shows.
    const bot = testBot(storage, now, { settings: { tabUrl, minGroupSize: 2 } });
    const cards = await chatAs(bot, { tenantId, objectId: seeded.manager }).say("my team");
    expectValid(cards);
    const text = textOf(cards[0]);
    expect(text).toContain(`North sales · ${seeded.program.name}`);
    expect(text).toContain("Asks open discovery questions: 33%");
    expect(text).toContain("3 in the last 4 weeks");
    expect(text).toContain("2 of 4 in the last 30 days");
    expect(JSON.stringify(cards[0])).toContain(tabUrl);
  });

  it("my team withholds a share of fewer people's ratings than the privacy minimum, keeping the counts", async () => {
    const [ana] = seeded.team.members;
    await recordObservations(storage, seeded.program, seeded.team.id, [
      {
        id: "obs-small",
        tenantId,
        programId: seeded.program.id,
        teamId: seeded.team.id,
        managerObjectId: seeded.manager,
        memberObjectId: ana?.objectId,
        behaviourId: "open-questions",
        levelIndex: 2,
        observedAt: new Date(now.getTime() - 86_400_000).toISOString(),
      },
    ]);
    const bot = testBot(storage, now, { settings: { tabUrl, minGroupSize: 5 } });
    const cards = await chatAs(bot, { tenantId, objectId: seeded.manager }).say("my team");
    expectValid(cards);
    const text = textOf(cards[0]);
    expect(text).toContain("withheld (fewer than 5 people observed)");
    expect(text).not.toMatch(/\d+%/);
    expect(text).toContain("1 in the last 4 weeks");
  });

  it("my team for someone who manages no team says so", async () => {
    const cards = await learnerChat().say("my team");
    expectValid(cards);
    expect(textOf(cards[0])).toContain("You don't manage a team");
  });

  it("log observation sends a checklist now, backed by a delivery that its submit completes", async () => {
    const chat = managerChat("a:manager-chat");
    const replies = await chat.send("log observation");
    const cards = cardsOf(replies);
    expectValid(cards);
    expect(textOf(cards[0])).toContain("Observation checklist · North sales");
    const data = actionsOf(cards[0]).find((a) => a.type === "Action.Execute")?.data;
    const deliveryId = String(data?.deliveryId);
    const delivery = (await storage.deliveries.get(tenantId, seeded.manager, deliveryId))?.value;
    expect(delivery).toMatchObject({
      status: "sent",
      scheduleEntryId: "on-demand",
      teamId: "team-north",
      activityId: replies[0]?.id,
      conversationId: "a:manager-chat",
    });

    const [ana, ben] = seeded.team.members;
    const done = await chat.execute("checklist.submit", {
      ...data,
      [inputIds.rating(ana?.objectId ?? "", "open-questions")]: "2",
      [inputIds.rating(ben?.objectId ?? "", "summarises-need")]: "1",
    });
    expect(textOf(done)).toContain("2 observations recorded");
    expect((await storage.observations.latest(tenantId, seeded.team.id)).items).toHaveLength(2);
  });

  it("log observation for someone who manages no team explains, and creates nothing", async () => {
    const cards = await learnerChat().say("log observation");
    expectValid(cards);
    expect(textOf(cards[0])).toContain("You don't manage a team");
    const mine = await storage.deliveries.forRecipient(tenantId, seeded.learner, {
      from: new Date(0),
      to: new Date("2100-01-01"),
    });
    expect(mine.items).toHaveLength(2);
  });

  it("log observation for a team too large for one card explains, and creates nothing", async () => {
    const found = await storage.teams.get(tenantId, seeded.team.id);
    if (!found) throw new Error("fixture");
    const members = Array.from({ length: 60 }, (_, i) => ({
      objectId: randomUUID(),
      displayName: `Team member number ${i}`,
      timeZone: "Europe/London",
      locale: "en-GB",
    }));
    await storage.teams.save({ ...found.value, members }, found.etag);
    const cards = await managerChat().say("log observation");
    expectValid(cards);
    expect(textOf(cards[0])).toContain("North sales is too large for one checklist card");
    const mine = await storage.deliveries.forRecipient(tenantId, seeded.manager, {
      from: new Date(0),
      to: new Date("2100-01-01"),
    });
    expect(mine.items.filter((d) => d.value.scheduleEntryId === "on-demand")).toEqual([]);
  });

  it("pause N days sets pausedUntil; resume clears it; a bad N changes nothing", async () => {
    const chat = managerChat();
    await chat.installationUpdate("add");

    const paused = await chat.say("pause 3 days");
    expectValid(paused);
    expect(textOf(paused[0])).toContain("Paused until 27 Nov");
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value.pausedUntil).toBe(
      "2026-11-27T12:00:00.000Z",
    );

    const refused = await chat.say("PAUSE 500 days");
    expect(textOf(refused[0])).toContain("1 to 90 days");
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value.pausedUntil).toBe(
      "2026-11-27T12:00:00.000Z",
    );

    const resumed = await chat.say("Resume");
    expect(textOf(resumed[0])).toContain("Welcome back");
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value.pausedUntil).toBeNull();
  });

  it("pause expires the person's deliveries still pending within the pause, and leaves later ones", async () => {
    const pending = (slot: string, assetId: string) => ({
      ...sentDelivery(seeded.program, seeded.team, assetId, seeded.manager, new Date(slot), "challenge"),
      status: "scheduled" as const,
      attempts: 0,
      activityId: null,
      conversationId: null,
      sentAt: null,
    });
    const within = pending("2026-11-25T09:00:00.000Z", "challenge-1");
    const after = pending("2026-11-30T09:00:00.000Z", "challenge-1");
    for (const d of [within, after]) await storage.deliveries.create(d);

    await managerChat().say("pause 3 days");

    expect((await storage.deliveries.get(tenantId, seeded.manager, within.id))?.value).toMatchObject({
      status: "expired",
      lastError: "paused until 2026-11-27T12:00:00.000Z",
    });
    expect((await storage.deliveries.get(tenantId, seeded.manager, after.id))?.value.status).toBe("scheduled");
    expect((await storage.deliveries.get(tenantId, seeded.manager, seeded.deliveries.challenge.id))?.value.status).toBe(
      "sent",
    );
  });

  it("pause works even when the install event was never seen", async () => {
    await managerChat("a:late").say("pause");
    const conversation = (await storage.conversations.get(tenantId, seeded.manager))?.value;
    expect(conversation).toMatchObject({ conversationId: "a:late", pausedUntil: "2026-12-01T12:00:00.000Z" });
  });
});

describe("installation lifecycle", () => {
  it("install stores the conversation with tenant and object id and queues a hello; uninstall and re-install flip reachability", async () => {
    const chat = managerChat("a:personal-1");
    // The welcome is not sent in the turn: it is queued, to go out within the tenant's Teams budget.
    expect(await chat.installationUpdate("add")).toEqual([]);
    // Earlier tests' welcomes wait on other shards of this file's queue: receive until this tenant's turns up.
    let queued: Awaited<ReturnType<typeof storage.deliveryQueue.receive>>[number] | undefined;
    for (let i = 0; i < 10 && !queued; i++) {
      const messages = await storage.deliveryQueue.receive({ max: 32, visibilitySeconds: 60 });
      queued = messages.find((m) => m.body.tenantId === tenantId);
    }
    const [welcome] = queued?.body.items ?? [];
    expect(welcome).toMatchObject({
      kind: "card",
      purpose: "welcome",
      conversation: { conversationId: "a:personal-1" },
    });
    const hello = [(welcome as CardItem).card.card];
    expectValid(hello);
    expect(textOf(hello[0])).toContain("Hi Maya");
    if (queued) await storage.deliveryQueue.delete(queued);
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value).toMatchObject({
      tenantId,
      objectId: seeded.manager,
      conversationId: "a:personal-1",
      serviceUrl: "https://smba.trafficmanager.net/emea/",
      botId: "28:throughline-bot",
      reachable: true,
    });

    await chat.say("pause 2 days");
    expect(await chat.installationUpdate("remove")).toEqual([]);
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value).toMatchObject({
      reachable: false,
      unreachableReason: "removed the app on 24 Nov",
    });

    await chat.installationUpdate("add");
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value).toMatchObject({
      reachable: true,
      unreachableReason: null,
      pausedUntil: "2026-11-26T12:00:00.000Z",
    });
  });

  it("the conversation knows since when the person is reachable: a repeated install event keeps it, a re-install moves it", async () => {
    const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000);
    const chatAt = (hours: number) =>
      chatAs(testBot(storage, at(hours)), {
        tenantId,
        objectId: seeded.manager,
        name: "Maya Manager",
        conversationId: "a:since",
      });
    const since = async () => (await storage.conversations.get(tenantId, seeded.manager))?.value.reachableSince;
    await chatAt(0).installationUpdate("add");
    expect(await since()).toBe(at(0).toISOString());
    await chatAt(1).installationUpdate("add");
    expect(await since()).toBe(at(0).toISOString());
    await chatAt(2).installationUpdate("remove");
    await chatAt(3).installationUpdate("add");
    expect(await since()).toBe(at(3).toISOString());
    await chatAt(4).installationUpdate("remove");
    await chatAt(5).say("help");
    expect(await since()).toBe(at(5).toISOString());
  });

  it("conversationUpdate with the bot added or removed does the same", async () => {
    const chat = managerChat("a:personal-2");
    await chat.send({ type: "conversationUpdate", membersAdded: [{ id: "28:throughline-bot", name: "Throughline" }] });
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value.reachable).toBe(true);
    await chat.send({
      type: "conversationUpdate",
      membersRemoved: [{ id: "28:throughline-bot", name: "Throughline" }],
    });
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value).toMatchObject({
      reachable: false,
      unreachableReason: "removed the app on 24 Nov",
    });
  });

  it("a message after a missed re-install makes the person reachable again", async () => {
    const chat = managerChat();
    await chat.installationUpdate("add");
    await chat.installationUpdate("remove");
    await chat.say("help");
    expect((await storage.conversations.get(tenantId, seeded.manager))?.value.reachable).toBe(true);
  });

  it("installing in a team stores no personal conversation", async () => {
    const chat = chatAs(testBot(storage, now), {
      tenantId,
      objectId: seeded.manager,
      conversationType: "channel",
      conversationId: `19:${randomUUID()}@thread.tacv2`,
    });
    expect(await chat.installationUpdate("add")).toEqual([]);
    expect(await storage.conversations.get(tenantId, seeded.manager)).toBeUndefined();
  });

  it("an install without a verified identity stores nothing", async () => {
    const chat = chatAs(testBot(storage, now), { tenantId, objectId: undefined });
    await chat.installationUpdate("add");
    const anyone = await storage.conversations.get(tenantId, seeded.manager);
    expect(anyone).toBeUndefined();
  });
});
