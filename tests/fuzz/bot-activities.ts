import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { actionHandlers, inputIds } from "../../bot/index.js";
import type { FuzzWorld } from "./fuzz-world.js";

/** Every verb a card may carry: the bot's own action handlers. */
const cardVerbs = Object.keys(actionHandlers);

/** What the fuzz posts to /api/messages: a card submit (Action.Execute or Action.Submit) or a typed message. */
export interface FuzzActivity {
  kind: "invoke" | "submit" | "text";
  activity: Record<string, unknown>;
}

const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom("", "x".repeat(3_000), "\u0000", "😀", "<b>", "__proto__", -1, Number.MAX_VALUE, null),
);

/** Card data: a verb and a delivery (real ones of the bot tenant, another person's, or invented) and the inputs. */
function cardData(world: FuzzWorld): fc.Arbitrary<unknown> {
  const { bot } = world;
  const deliveryIds = Object.values(bot.deliveries).map((d) => d.id);
  const members = bot.team.members.map((m) => m.objectId);
  const field = fc.oneof(
    fc.constantFrom("reflection", "response", "confidence", "verb", "deliveryId"),
    fc
      .tuple(
        fc.constantFrom(...members, randomUUID(), "x"),
        fc.constantFrom("open-questions", "summarises-need", "nope"),
      )
      .map(([member, behaviour]) => inputIds.rating(member, behaviour)),
    fc.constantFrom(...members).map(inputIds.note),
    fc.constantFrom("q1", "q2", "nope").map(inputIds.answer),
    fc.string({ maxLength: 12 }),
  );
  const value = fc.oneof(junk, fc.constantFrom("0", "1", "2", "3", "5", "9", "done", 3, 0));
  return fc.oneof(
    { weight: 1, arbitrary: junk },
    {
      weight: 4,
      arbitrary: fc
        .record({
          verb: fc.oneof(fc.constantFrom(...cardVerbs), junk),
          deliveryId: fc.oneof(fc.constantFrom(...deliveryIds), fc.constant(randomUUID()), junk),
          fields: fc.dictionary(field, value, { maxKeys: 5 }),
        })
        .map(({ verb, deliveryId, fields }) => ({ ...fields, verb, deliveryId })),
    },
  );
}

/** An activity from someone (the bot tenant's manager or member, a stranger, no one) in some tenant. */
export function botActivity(world: FuzzWorld): fc.Arbitrary<FuzzActivity> {
  const { bot, a } = world;
  const people = [bot.manager, bot.learner, bot.team.members[1]?.objectId ?? "", randomUUID(), "not-a-guid"];
  return fc
    .record({
      kind: fc.constantFrom("invoke", "invoke", "submit", "text"),
      from: fc.option(fc.constantFrom(...people), { nil: undefined }),
      tenant: fc.option(fc.constantFrom(bot.tenantId, bot.tenantId, a.tenantId, randomUUID()), { nil: undefined }),
      data: cardData(world),
      verb: fc.oneof(fc.constantFrom(...cardVerbs), junk),
      shape: fc.nat(5),
      text: fc.oneof(
        fc.constantFrom("help", "due", "team", "pause 2 weeks", "observe Ana", "resume"),
        fc.string({ maxLength: 40 }),
      ),
    })
    .map(({ kind, from, tenant, data, verb, shape, text }) => {
      const conversationId = `a:fuzz-${randomUUID().slice(0, 8)}`;
      const base: Record<string, unknown> = {
        id: randomUUID(),
        channelId: "msteams",
        serviceUrl: world.sim.serviceUrl,
        from: { id: `29:${from ?? "x"}`, aadObjectId: from, name: "Fuzz" },
        recipient: { id: `28:${"bot"}` },
        conversation: { id: conversationId, conversationType: "personal", tenantId: tenant },
        channelData: tenant ? { tenant: { id: tenant } } : {},
      };
      if (kind === "text") return { kind, activity: { ...base, type: "message", text } };
      if (kind === "submit") return { kind, activity: { ...base, type: "message", replyToId: "1:card", value: data } };
      // Action.Execute as Teams sends it, and shapes it never sends.
      const values = [
        { action: { type: "Action.Execute", verb, data } },
        { action: { type: "Action.Execute", verb, data }, trigger: "manual" },
        { action: { type: "Action.Submit", data } },
        { action: null },
        data,
        { action: data },
      ];
      return { kind, activity: { ...base, type: "invoke", name: "adaptiveCard/action", value: values[shape] } };
    });
}
