import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Program } from "../../src/domain/index.js";
import { aChallenge, aKpi, aProgram, STALE_ETAG } from "../support/fixtures.js";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

let api: Api;
let world: World;
let admin: string;

beforeAll(async () => {
  api = await startApi();
  world = await seedWorld(api);
  admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
});
afterAll(() => api.stop());

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  api.call(method, `/api/v1${path}`, { token: admin, body, headers });

describe("programs", () => {
  it("creates a draft with an ETag, owned by the caller, and reads it back", async () => {
    const created = await call("POST", "/programs", {
      name: "Listening first",
      owners: [],
      discover: { problemToday: "Reps talk" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "draft", name: "Listening first", owners: [world.admin.objectId] });
    expect(created.body.id).toMatch(/^listening-first-/);
    expect(created.headers.get("etag")).toBeTruthy();
    const read = await call("GET", `/programs/${created.body.id}`);
    expect(read.body.discover.problemToday).toBe("Reps talk");
    expect(read.headers.get("etag")).toBe(created.headers.get("etag"));
  });

  it("answers 400 with each field and rule for a bad body, and writes nothing", async () => {
    const res = await call("POST", "/programs", {
      id: "bad",
      name: "",
      window: { start: "2026-12-01", end: "2026-11-01" },
      teams: [{ teamId: "team-a", role: "boss" }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid");
    expect(res.body.issues).toEqual(
      expect.arrayContaining([
        { field: "name", rule: "must not be empty" },
        { field: "teams.0.role", rule: "must be pilot or comparison" },
      ]),
    );
    expect(await api.storage.programs.get(world.tenantId, "bad")).toBeUndefined();
  });

  it("answers 400 for a body that is not JSON or not an object", async () => {
    const notJson = await call("POST", "/programs", "{oops", { "content-type": "application/json" });
    expect(notJson.status).toBe(400);
    const array = await call("POST", "/programs", [1, 2]);
    expect(array.status).toBe(400);
    expect(array.body.issues[0].field).toBe("(root)");
  });

  it("answers 413 for a body over the size limit, writing nothing", async () => {
    const res = await call("POST", "/programs", {
      id: "huge",
      name: "Huge",
      discover: { problemToday: "x".repeat(600_000) },
    });
    expect(res.status).toBe(413);
    expect(await api.storage.programs.get(world.tenantId, "huge")).toBeUndefined();
  });

  it("refuses KPIs and teams that are not in the tenant", async () => {
    const res = await call("POST", "/programs", {
      id: "refs",
      name: "Refs",
      outcomeKpiId: "someone-elses-kpi",
      teams: [{ teamId: "nope", role: "pilot" }],
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      { field: "outcomeKpiId", rule: "must be a KPI of this tenant" },
      { field: "teams.0.teamId", rule: "must be a team of this tenant" },
    ]);
    expect(await api.storage.programs.get(world.tenantId, "refs")).toBeUndefined();
  });

  it("updates over the current ETag, refuses a stale one with 409 and one without If-Match with 428", async () => {
    const created = await call("POST", "/programs", { id: "etag-prog", name: "Original" });
    const etag = created.headers.get("etag") ?? "";
    const first = await call("PUT", "/programs/etag-prog", { name: "Alice's edit" }, { "if-match": etag });
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).not.toBe(etag);

    const stale = await call("PUT", "/programs/etag-prog", { name: "Bob's edit" }, { "if-match": etag });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toMatch(/someone else changed it/);
    const missing = await call("PUT", "/programs/etag-prog", { name: "No etag" });
    expect(missing.status).toBe(428);
    expect((await api.storage.programs.get(world.tenantId, "etag-prog"))?.value.name).toBe("Alice's edit");
  });

  it("lets a draft drop a behaviour, but not a program that has started (its observations name it)", async () => {
    const twoBehaviours = (id: string, status: "draft" | "active") =>
      aProgram(world.tenantId, {
        id,
        status,
        chain: {
          skills: [{ id: "discovery", name: "Needs discovery", description: "" }],
          behaviours: ["open-questions", "summarises-need"].map((b) => ({
            id: b,
            name: b,
            skillIds: ["discovery"],
            rubric: { levels: ["Not yet", "Sometimes", "Consistently"] },
            kpiIds: ["win-rate"],
          })),
        },
      });
    const oneLess = (p: { chain: Program["chain"] }) => ({
      chain: { ...p.chain, behaviours: p.chain.behaviours.slice(0, 1) },
    });
    const draft = await api.storage.programs.save(twoBehaviours("drop-draft", "draft"));
    const fromDraft = await call("PUT", "/programs/drop-draft", oneLess(draft.value), { "if-match": draft.etag });
    expect(fromDraft.status).toBe(200);
    expect(fromDraft.body.chain.behaviours.map((b: { id: string }) => b.id)).toEqual(["open-questions"]);

    const live = await api.storage.programs.save(twoBehaviours("drop-live", "active"));
    const fromLive = await call("PUT", "/programs/drop-live", oneLess(live.value), { "if-match": live.etag });
    expect(fromLive.status).toBe(409);
    expect(fromLive.body).toMatchObject({ error: "in_use" });
    expect(fromLive.body.reason).toMatch(
      /"summarises-need" cannot be removed once the program has started \(it is active\)/,
    );
    const stored = await api.storage.programs.get(world.tenantId, "drop-live");
    expect(stored?.etag).toBe(live.etag);
    expect(stored?.value.chain.behaviours).toHaveLength(2);
    // A started program can still be renamed and its behaviours reworded: only taking one away is refused.
    const renamed = await call(
      "PUT",
      "/programs/drop-live",
      {
        name: "Renamed",
        chain: {
          ...live.value.chain,
          behaviours: live.value.chain.behaviours.map((b) => ({ ...b, name: `${b.name}!` })),
        },
      },
      { "if-match": live.etag },
    );
    expect(renamed.status).toBe(200);
  });

  it("never lets an update change status, tenant or creation time", async () => {
    const created = await call("POST", "/programs", { id: "sneaky", name: "Sneaky" });
    const res = await call(
      "PUT",
      "/programs/sneaky",
      { status: "active", tenantId: "00000000-0000-4000-8000-000000000000", createdAt: "2020-01-01T00:00:00Z" },
      { "if-match": created.headers.get("etag") ?? "" },
    );
    expect(res.body).toMatchObject({ status: "draft", tenantId: world.tenantId, createdAt: created.body.createdAt });
  });

  it("lists programs by status", async () => {
    const res = await call("GET", "/programs?status=draft&pageSize=100");
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { id: string }) => p.id)).toContain("prog-1");
    expect((await call("GET", "/programs?status=nonsense")).status).toBe(400);
  });

  it("answers 422 with what activation still needs, and changes nothing", async () => {
    await call("POST", "/programs", { id: "empty", name: "Empty" });
    const res = await call("POST", "/programs/empty/transition", { to: "active" });
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual(
      expect.arrayContaining(["outcome KPI: must be set", "teams: must have at least one pilot team"]),
    );
    expect((await api.storage.programs.get(world.tenantId, "empty"))?.value.status).toBe("draft");
  });

  it("activates, pauses and completes a ready program; a completed one cannot go back (409)", async () => {
    for (const to of ["active", "paused", "active", "completed"]) {
      const res = await call("POST", "/programs/prog-1/transition", { to });
      expect(res.status, to).toBe(200);
      expect(res.body.status).toBe(to);
    }
    const back = await call("POST", "/programs/prog-1/transition", { to: "active" });
    expect(back.status).toBe(409);
    expect((await call("POST", "/programs/prog-1/transition", { to: "draft" })).status).toBe(400);
  });

  it("refuses a transition over a stale If-Match with 409", async () => {
    const created = await api.storage.programs.save(aProgram(world.tenantId, { id: "stale-t" }));
    await call("PUT", "/programs/stale-t", { name: "Changed" }, { "if-match": created.etag });
    const res = await call("POST", "/programs/stale-t/transition", { to: "active" }, { "if-match": created.etag });
    expect(res.status).toBe(409);
    expect((await api.storage.programs.get(world.tenantId, "stale-t"))?.value.status).toBe("draft");
  });

  it("clones a program and its assets as a new draft", async () => {
    const res = await call("POST", "/programs/prog-1/clone", { name: "Discovery, wave 2", id: "wave-2" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: "wave-2", status: "draft", name: "Discovery, wave 2" });
    const assets = await call("GET", "/programs/wave-2/assets");
    expect(assets.body.items.map((a: { id: string }) => a.id)).toEqual(["challenge-1"]);
    expect((await call("POST", "/programs/nope/clone", { name: "x" })).status).toBe(404);
  });

  it("deletes an asset of a draft once nothing sends it; never one of a started program", async () => {
    // The draft's schedule sends challenge-1: the delete is refused until the entry is gone.
    const draft = await api.storage.programs.save(aProgram(world.tenantId, { id: "asset-draft" }));
    await api.storage.assets.save(aChallenge(world.tenantId, { programId: "asset-draft" }));
    const refused = await call("DELETE", "/programs/asset-draft/assets/challenge-1");
    expect(refused.status).toBe(409);
    expect(refused.body.reason).toMatch(/the schedule sends "Count the open questions" \(1 entry\)/);
    expect(await api.storage.assets.get(world.tenantId, "asset-draft", "challenge-1")).toBeDefined();
    const unscheduled = { schedule: { ...draft.value.schedule, entries: [] } };
    expect((await call("PUT", "/programs/asset-draft", unscheduled, { "if-match": draft.etag })).status).toBe(200);
    expect((await call("DELETE", "/programs/asset-draft/assets/challenge-1")).status).toBe(204);
    expect(await api.storage.assets.get(world.tenantId, "asset-draft", "challenge-1")).toBeUndefined();
    expect((await call("DELETE", "/programs/asset-draft/assets/challenge-1")).status).toBe(404);

    await api.storage.programs.save(
      aProgram(world.tenantId, {
        id: "asset-live",
        status: "active",
        schedule: { ...draft.value.schedule, entries: [] },
      }),
    );
    await api.storage.assets.save(aChallenge(world.tenantId, { programId: "asset-live" }));
    const live = await call("DELETE", "/programs/asset-live/assets/challenge-1");
    expect(live.status).toBe(409);
    expect(live.body.reason).toMatch(/cannot be deleted once the program has started \(it is active\)/);
    expect(await api.storage.assets.get(world.tenantId, "asset-live", "challenge-1")).toBeDefined();
    // Only admins delete.
    const manager = await api.entra.token({ tenantId: world.tenantId, objectId: world.manager.objectId });
    const byManager = await api.call("DELETE", "/api/v1/programs/asset-live/assets/challenge-1", { token: manager });
    expect(byManager.status).toBe(403);
  });

  it("answers 404 for a program that does not exist", async () => {
    expect((await call("GET", "/programs/nope")).status).toBe(404);
    expect((await call("PUT", "/programs/nope", {}, { "if-match": STALE_ETAG })).status).toBe(404);
  });
});

describe("kpis", () => {
  it("creates a KPI and lists it; a target on the wrong side of the baseline is a 400", async () => {
    const created = await call("POST", "/kpis", { ...aKpi(world.tenantId), id: "nps", name: "NPS", unit: "pts" });
    expect(created.status).toBe(201);
    expect((await call("GET", "/kpis")).body.items.map((k: { id: string }) => k.id)).toContain("nps");
    const bad = await call("POST", "/kpis", {
      ...aKpi(world.tenantId),
      id: "bad-kpi",
      target: { value: 20, date: "2026-12-31" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe("target.value");
  });
});

describe("assets", () => {
  const nudge = {
    id: "nudge-1",
    title: "Try it",
    kind: "nudge",
    behaviourIds: ["open-questions"],
    content: { prompt: "Ask one open question today", style: "practice" },
  };

  it("creates, lists and updates an asset with ETags", async () => {
    const created = await call("POST", "/programs/prog-1/assets", nudge);
    expect(created.status).toBe(201);
    const updated = await call(
      "PUT",
      "/programs/prog-1/assets/nudge-1",
      { ...nudge, title: "Try it today" },
      { "if-match": created.headers.get("etag") ?? "" },
    );
    expect(updated.body.title).toBe("Try it today");
    const stale = await call("PUT", "/programs/prog-1/assets/nudge-1", nudge, {
      "if-match": created.headers.get("etag") ?? "",
    });
    expect(stale.status).toBe(409);
    const list = await call("GET", "/programs/prog-1/assets");
    expect(list.body.items.find((a: { id: string }) => a.id === "nudge-1").title).toBe("Try it today");
  });

  it("answers 400 for an asset of an unknown kind or missing content, writing nothing", async () => {
    const res = await call("POST", "/programs/prog-1/assets", { ...nudge, id: "bad-asset", kind: "podcast" });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].field).toBe("kind");
    const empty = await call("POST", "/programs/prog-1/assets", { ...nudge, id: "bad-asset", content: {} });
    expect(empty.body.issues.map((i: { field: string }) => i.field)).toContain("content.prompt");
    expect(await api.storage.assets.get(world.tenantId, "prog-1", "bad-asset")).toBeUndefined();
  });
});

describe("openapi", () => {
  it("serves an OpenAPI 3.1 document naming every route", async () => {
    const res = await api.call("GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        "/me",
        "/programs",
        "/programs/{id}/transition",
        "/teams/{teamId}/dashboard",
        "/me/learning",
      ]),
    );
  });
});
