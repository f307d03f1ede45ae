import { expect, it } from "vitest";
import type { Conversation } from "../../src/domain/index.js";
import { type Messenger, type OutboundCard, SendFailure } from "../../src/messaging/index.js";
import type { BotConnectorSimulator } from "../support/bot-connector-simulator.js";

export interface MessengerFixture {
  messenger: Messenger;
  /** The Teams side, simulated: what arrived, and failures to script. */
  teams: BotConnectorSimulator;
  /** A fresh personal conversation the messenger can reach through `teams`. */
  conversation(): Conversation;
}

const card: OutboundCard = {
  card: { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "Hi" }] },
  summary: "Hi",
};

/**
 * What every Messenger must do, whatever SDK is behind it: one set of assertions each implementation's test
 * runs against the Bot Connector simulator. The delivery loop relies on each: the id to update a card in
 * place, failures in its own terms, and exactly one HTTP attempt per call (retries are the loop's alone).
 */
export function messengerContract(setup: () => MessengerFixture): void {
  async function failure(call: Promise<unknown>): Promise<SendFailure> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SendFailure);
    return error as SendFailure;
  }

  it("send delivers the card and returns its activity id; update replaces it in place", async () => {
    const { messenger, teams, conversation } = setup();
    const to = conversation();
    const { activityId } = await messenger.send(to, card);
    expect(activityId).toMatch(/\S/);
    await messenger.update(to, activityId, { ...card, summary: "Done" });
    const [sent, updated] = teams.activities(to.conversationId);
    expect(sent).toMatchObject({ method: "POST", activityId });
    expect(sent?.body.attachments).toEqual([
      expect.objectContaining({ contentType: "application/vnd.microsoft.card.adaptive", content: card.card }),
    ]);
    expect(updated).toMatchObject({ method: "PUT", activityId });
    expect(teams.requests(to.conversationId)).toBe(2);
  });

  it("429 is throttled with Teams' Retry-After, after exactly one HTTP attempt (for sends and updates)", async () => {
    const { messenger, teams, conversation } = setup();
    const to = conversation();
    teams.failNext(to.conversationId, 429, 7);
    expect(await failure(messenger.send(to, card))).toMatchObject({
      kind: "throttled",
      status: 429,
      retryAfterMs: 7_000,
    });
    expect(teams.requests(to.conversationId)).toBe(1);
    const { activityId } = await messenger.send(to, card);
    teams.failNext(to.conversationId, 429, 2);
    expect(await failure(messenger.update(to, activityId, card))).toMatchObject({
      kind: "throttled",
      retryAfterMs: 2_000,
    });
    expect(teams.requests(to.conversationId)).toBe(3);
  });

  it("403 and 404 mean the person cannot be reached, after exactly one HTTP attempt", async () => {
    const { messenger, teams, conversation } = setup();
    for (const status of [403, 404]) {
      const to = conversation();
      teams.failNext(to.conversationId, status);
      expect(await failure(messenger.send(to, card))).toMatchObject({ kind: "unreachable", status });
      expect(teams.requests(to.conversationId)).toBe(1);
      expect(teams.accepted(to.conversationId)).toBe(0);
    }
  });

  it("5xx (and 412) are transient, with the status, after exactly one HTTP attempt", async () => {
    const { messenger, teams, conversation } = setup();
    for (const status of [500, 502, 503, 504, 412]) {
      const to = conversation();
      teams.failNext(to.conversationId, status);
      const f = await failure(messenger.send(to, card));
      expect(f).toMatchObject({ kind: "transient", status });
      // Teams answered: it took nothing.
      expect(f.requestSent).toBe(false);
      expect(teams.requests(to.conversationId)).toBe(1);
    }
  });

  it("another 4xx is permanent: no retry will fix it", async () => {
    const { messenger, teams, conversation } = setup();
    const to = conversation();
    teams.failNext(to.conversationId, 400);
    expect(await failure(messenger.send(to, card))).toMatchObject({ kind: "permanent", status: 400 });
    expect(teams.requests(to.conversationId)).toBe(1);
  });
}
