import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRequest } from "./api-requests.js";
import { botActivity } from "./bot-activities.js";
import { changes, type FuzzWorld, STACK_TRACE, send, snapshot, startFuzzWorld } from "./fuzz-world.js";

/**
 * Property-based requests over every operation of the OpenAPI document and over card submits to the bot:
 * no answer is ≥ 500, none carries a stack trace or an HTML page, and a request answered 4xx (or a card
 * answered with an error card) leaves every table as it was. `npm test` runs a bounded number of cases;
 * `npm run fuzz` runs ≥ 10,000 and writes the figures to .bench/fuzz.json.
 */
const API_RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const BOT_RUNS = Number(process.env.FUZZ_BOT_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

let world: FuzzWorld;
let tables: Map<string, string>;
const figures = {
  api: { cases: 0, byStatus: {} as Record<string, number>, serverErrors: 0, stackTraces: 0, strayWrites: 0 },
  bot: { cases: 0, byStatus: {} as Record<string, number>, serverErrors: 0, stackTraces: 0, strayWrites: 0 },
  failures: [] as string[],
};

beforeAll(async () => {
  world = await startFuzzWorld();
  tables = await snapshot(world.storage, world.connectionString);
}, 120_000);

afterAll(async () => {
  await world?.stop();
  mkdirSync(".bench", { recursive: true });
  writeFileSync(
    ".bench/fuzz.json",
    `${JSON.stringify({ at: new Date().toISOString(), loadAverage: loadavg(), seed: SEED ?? null, ...figures }, null, 2)}\n`,
  );
  console.info(`fuzz: ${JSON.stringify({ api: figures.api, bot: figures.bot })}`);
});

/** Compares every table with the last snapshot; the new one becomes the baseline of the next case. */
async function writesSinceLastCase(): Promise<string[]> {
  const now = await snapshot(world.storage, world.connectionString);
  const changed = changes(tables, now);
  tables = now;
  return changed;
}

function tally(kind: "api" | "bot", status: number) {
  figures[kind].cases++;
  const bucket = `${Math.floor(status / 100)}xx`;
  figures[kind].byStatus[bucket] = (figures[kind].byStatus[bucket] ?? 0) + 1;
}

const generous = (runs: number) => 120_000 + runs * 2_000;

describe("fuzz", () => {
  it(
    `the API: ${API_RUNS} hostile requests over every documented operation: no 5xx, no stack, no write on 4xx`,
    async () => {
      await fc.assert(
        fc.asyncProperty(apiRequest(world), async (request) => {
          const res = await send(world.api.base, request);
          tally("api", res.status);
          const writes = await writesSinceLastCase();
          const label = `${request.method} ${request.path} → ${res.status}`;
          if (res.status >= 500) {
            figures.api.serverErrors++;
            figures.failures.push(`${label}: ${res.text.slice(0, 300)}`);
          }
          if (STACK_TRACE.test(res.text)) {
            figures.api.stackTraces++;
            figures.failures.push(`${label}: stack trace`);
          }
          if (res.status >= 400 && writes.length > 0) {
            figures.api.strayWrites++;
            figures.failures.push(`${label}: wrote ${writes.slice(0, 5).join(", ")}`);
          }
          const type = String(res.headers["content-type"] ?? "");
          const jsonExpected = res.status >= 400 || !request.path.includes(".csv");
          expect(res.status, label).toBeLessThan(500);
          expect(STACK_TRACE.test(res.text), `${label}: ${res.text.slice(0, 300)}`).toBe(false);
          expect(res.status >= 400 ? writes : [], label).toEqual([]);
          if (request.method !== "HEAD" && jsonExpected) expect(type, label).toMatch(/^application\/json/);
        }),
        { numRuns: API_RUNS, seed: SEED, endOnFailure: true },
      );
    },
    generous(API_RUNS),
  );

  it(
    `the bot: ${BOT_RUNS} card submits and messages: never 5xx, an error card writes nothing`,
    async () => {
      const tokens = new Map<string, string>();
      const tokenFor = async (serviceUrl: string) => {
        const known = tokens.get(serviceUrl);
        if (known) return known;
        const token = await world.sim.channelToken({ serviceUrl });
        tokens.set(serviceUrl, token);
        return token;
      };
      await fc.assert(
        fc.asyncProperty(botActivity(world), async ({ kind, activity }) => {
          const conversationId = (activity.conversation as { id: string }).id;
          const res = await send(world.api.base, {
            method: "POST",
            path: "/api/messages",
            headers: {
              "content-type": "application/json",
              authorization: `Bearer ${await tokenFor(String(activity.serviceUrl))}`,
            },
            body: Buffer.from(JSON.stringify(activity)),
          });
          tally("bot", res.status);
          // A card update to Teams takes a token from the tenant's Teams rate bucket (a coordination row shared
          // with delivery): the request budget Teams counts, not data. Every other row must stay as it was.
          const writes = (await writesSinceLastCase()).filter((w) => !w.slice(1).startsWith("coordination|"));
          const label = `${kind} ${JSON.stringify(activity.value ?? activity.text ?? "").slice(0, 200)} → ${res.status}`;
          // The card the person sees: in the invoke's answer, or the update the bot sent for an Action.Submit.
          const shown =
            kind === "invoke" ? res.text : JSON.stringify(world.sim.activities(conversationId).at(-1)?.body ?? "");
          const errorCard = /Nothing was recorded|didn't make sense|couldn't tell who you are/.test(shown);
          if (res.status >= 500) {
            figures.bot.serverErrors++;
            figures.failures.push(`${label}: ${res.text.slice(0, 300)}`);
          }
          if (STACK_TRACE.test(res.text)) figures.bot.stackTraces++;
          const refused = res.status >= 400 || (kind !== "text" && errorCard);
          if (refused && writes.length > 0) {
            figures.bot.strayWrites++;
            figures.failures.push(`${label}: wrote ${writes.slice(0, 5).join(", ")}`);
          }
          expect(res.status, label).toBeLessThan(500);
          expect(STACK_TRACE.test(res.text), label).toBe(false);
          expect(refused ? writes : [], label).toEqual([]);
          if (kind === "invoke" && res.status === 200)
            expect(JSON.parse(res.text), label).toMatchObject({ type: "application/vnd.microsoft.card.adaptive" });
        }),
        { numRuns: BOT_RUNS, seed: SEED, endOnFailure: true },
      );
    },
    generous(BOT_RUNS),
  );
});
