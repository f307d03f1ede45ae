import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardsOf, chatAs, testBot } from "../bot/support/chat.js";
import { aKpi, aProgram, aTeam, now, person } from "../support/fixtures.js";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

let api: Api;
let world: World;
let admin: string;

beforeAll(async () => {
  api = await startApi();
  world = await seedWorld(api);
  admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
});
afterAll(() => api?.stop());

const call = (method: string, path: string, body?: unknown, token = admin, headers?: Record<string, string>) =>
  api.call(method, `/api/v1${path}`, { token, body, headers });

const summarises = {
  id: "summarises-need",
  name: "Summarises the need before proposing",
  skillIds: ["discovery"],
  rubric: { levels: ["Not yet", "Sometimes", "Consistently"] },
  kpiIds: ["win-rate"],
};
const checklist = {
  kind: "observation_checklist",
  title: "Discovery checklist",
  behaviourIds: ["open-questions", "summarises-need"],
  content: { instructions: "Rate what you saw this fortnight." },
};

/** Every Input.ChoiceSet of a card body, wherever it is nested. */
function choiceSets(node: unknown): { id: string; label: string }[] {
  if (Array.isArray(node)) return node.flatMap(choiceSets);
  if (!node || typeof node !== "object") return [];
  const element = node as Record<string, unknown>;
  const own = element.type === "Input.ChoiceSet" ? [{ id: String(element.id), label: String(element.label) }] : [];
  return [...own, ...Object.values(element).flatMap(choiceSets)];
}

describe("the builder's card preview", () => {
  it("is the card the manager gets in the chat: a checklist rates each member on each of its two behaviours", async () => {
    const program = await call("GET", "/programs/prog-1");
    const withTwo = { chain: { ...program.body.chain, behaviours: [...program.body.chain.behaviours, summarises] } };
    const saved = await call("PUT", "/programs/prog-1", withTwo, admin, {
      "if-match": program.headers.get("etag") ?? "",
    });
    expect(saved.status).toBe(200);
    const created = await call("POST", "/programs/prog-1/assets", { ...checklist, id: "checklist-1" });
    expect(created.status).toBe(201);
    expect((await call("POST", "/programs/prog-1/transition", { to: "active" })).status).toBe(200);

    const preview = await call("POST", "/programs/prog-1/card-preview", { asset: created.body });
    expect(preview.status).toBe(200);
    expect(preview.body.team).toEqual({ id: "team-a", name: "Team A" });
    expect(preview.body.recipient).toEqual({ role: "manager", name: "Manager M" });
    const team = (await api.storage.teams.get(world.tenantId, "team-a"))?.value;
    const sets = choiceSets(preview.body.card);
    expect(sets).toHaveLength((team?.members.length ?? 0) * 2);
    expect(new Set(sets.map((s) => s.label))).toEqual(
      new Set(["Asks open discovery questions", "Summarises the need before proposing"]),
    );

    // The manager asks for the checklist in the chat: the bot's card is the preview, but for its delivery id.
    const chat = chatAs(testBot(api.storage, new Date(now)), {
      tenantId: world.tenantId,
      objectId: world.manager.objectId,
    });
    const [delivered] = cardsOf(await chat.send("log observation"));
    const deliveryId = JSON.stringify(delivered).match(/"deliveryId":"([^"]+)"/)?.[1] ?? "";
    expect(deliveryId).not.toBe("");
    expect(JSON.stringify(preview.body.card).replaceAll('"preview"', JSON.stringify(deliveryId))).toBe(
      JSON.stringify(delivered),
    );
  });

  it("says which field of an unfinished asset is missing, as a save would", async () => {
    const empty = await call("POST", "/programs/prog-1/card-preview", {
      asset: { kind: "micro_challenge", title: "Try it", behaviourIds: ["open-questions"], content: { task: " " } },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.issues).toEqual([{ field: "content.task", rule: "must not be empty" }]);

    const foreign = await call("POST", "/programs/prog-1/card-preview", {
      asset: { ...checklist, behaviourIds: ["open-questions", "no-such-behaviour"] },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.issues).toEqual([
      { field: "behaviourIds.1", rule: "must be one of the program's saved behaviours" },
    ]);
    const saved = await call("POST", "/programs/prog-1/assets", {
      ...checklist,
      behaviourIds: ["no-such-behaviour"],
    });
    expect(saved.status).toBe(400);
    expect(saved.body.issues[0].field).toBe("behaviourIds.0");

    expect(
      (await call("POST", "/programs/prog-1/card-preview", { asset: checklist, teamId: "team-zzz" })).body.issues,
    ).toEqual([{ field: "teamId", rule: "must be a team of the program" }]);
    expect((await call("POST", "/programs/prog-1/card-preview", { asset: checklist, colour: "red" })).status).toBe(400);
    const manager = await api.entra.token({ tenantId: world.tenantId, objectId: world.manager.objectId });
    expect((await call("POST", "/programs/prog-1/card-preview", { asset: checklist }, manager)).status).toBe(403);
  });

  it("renders a skills check as its phase says, and stands in an example team while the program has none", async () => {
    await api.storage.programs.save(aProgram(world.tenantId, { id: "prog-empty", teams: [] }));
    const check = {
      kind: "skills_check",
      title: "Discovery skills check",
      behaviourIds: ["open-questions"],
      content: {
        questions: [
          { id: "q1", text: "Which is open?", options: ["Budget?", "What happens if not?"], correctIndex: 1 },
          { id: "q2", text: "When to summarise?", options: ["After", "Before proposing"], correctIndex: 1 },
          { id: "q3", text: "Best next step?", options: ["Demo", "Ask the cost", "Wait"], correctIndex: 1 },
        ],
      },
    };
    const post = await call("POST", "/programs/prog-empty/card-preview", { asset: check, phase: "post" });
    expect(post.status).toBe(200);
    expect(post.body.team).toBeNull();
    expect(post.body.recipient).toEqual({ role: "learner", name: "Example member 1" });
    const text = JSON.stringify(post.body.card);
    expect(text).toContain("Skills check · after the program");
    expect(choiceSets(post.body.card).map((s) => s.label)).toEqual([
      "1. Which is open?",
      "2. When to summarise?",
      "3. Best next step?",
    ]);
  });

  it("refuses, by size, a checklist Teams would not accept", async () => {
    const big = aTeam(world.tenantId, {
      id: "team-big",
      name: "Big team",
      manager: person("Big Manager"),
      members: Array.from({ length: 120 }, (_, i) => person(`Member with a long display name ${i}`)),
    });
    expect((await call("PUT", "/teams/team-big", big)).status).toBe(201);
    const program = aProgram(world.tenantId, {
      id: "prog-big",
      teams: [{ teamId: "team-big", role: "pilot" }],
      chain: { skills: aProgram(world.tenantId).chain.skills, behaviours: [summarises] },
    });
    await api.storage.programs.save(program);
    const tooLarge = await call("POST", "/programs/prog-big/card-preview", {
      asset: { ...checklist, behaviourIds: ["summarises-need"] },
    });
    expect(tooLarge.status).toBe(422);
    expect(tooLarge.body.reason).toMatch(/^for Big team this card would be \d+ KB; Teams accepts at most 28 KB$/);
  });
});

describe("lists page with continuation tokens", () => {
  it("GET /teams and GET /kpis hand out pages and a token until the last page, which says so", async () => {
    for (const n of [1, 2, 3])
      expect((await call("PUT", `/teams/paged-${n}`, aTeam(world.tenantId, { id: `paged-${n}` }))).status).toBe(201);
    for (const n of [1, 2, 3]) await api.storage.kpis.save(aKpi(world.tenantId, { id: `kpi-${n}`, name: `KPI ${n}` }));

    for (const path of ["/teams", "/kpis"]) {
      const all = await call("GET", path);
      expect(all.body.continuationToken).toBeNull();
      const seen: string[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const query: string = `?pageSize=2${token ? `&continuationToken=${encodeURIComponent(token)}` : ""}`;
        const page = await call("GET", `${path}${query}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((i: { id: string }) => i.id));
        token = page.body.continuationToken;
        pages++;
      } while (token);
      expect(pages).toBeGreaterThan(1);
      expect(seen.sort()).toEqual(all.body.items.map((i: { id: string }) => i.id).sort());
      expect((await call("GET", `${path}?pageSize=0`)).status).toBe(400);
      expect((await call("GET", `${path}?pageSize=1001`)).status).toBe(400);
    }
  });
});
