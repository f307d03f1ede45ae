import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aProgram, STALE_ETAG } from "../support/fixtures.js";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

let api: Api;
let world: World;
let admin: string;
let manager: string;
let otherAdmin: string;

beforeAll(async () => {
  api = await startApi();
  world = await seedWorld(api, { programStatus: "active" });
  const other = await seedWorld(api);
  await api.storage.programs.save(aProgram(other.tenantId, { id: "theirs" }));
  admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
  manager = await api.entra.token({ tenantId: world.tenantId, objectId: world.manager.objectId });
  otherAdmin = await api.entra.token({ tenantId: other.tenantId, objectId: other.admin.objectId });
});
afterAll(() => api.stop());

const review = "/api/v1/programs/prog-1/reviews/2026-10";

describe("monthly review", () => {
  it("answers the purpose, chain, effect (not enough data yet), KPI story, engagement and value", async () => {
    const res = await api.call("GET", review, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      program: { id: "prog-1", window: { start: "2026-09-07", end: "2026-12-31" } },
      month: "2026-10",
      stage: "running",
      notes: null,
      notesEtag: null,
    });
    expect(Array.isArray(res.body.chain)).toBe(true);
    expect(res.body.effect.status).not.toBe("estimate");
    expect(res.body.kpis[0]).toMatchObject({ name: "Win rate", role: "outcome" });
    expect(res.body.engagement.month.pilot).toMatchObject({ observations: expect.any(Number) });
    expect(res.body.value).toMatchObject({ valuation: null, supported: false, roiPercent: null });
  });

  it("lists the months with a review, and refuses one outside the data with a reason", async () => {
    const months = await api.call("GET", "/api/v1/programs/prog-1/reviews", { token: admin });
    expect(months.body).toEqual({ first: "2026-09", last: "2026-11", latestWithData: null });
    for (const month of ["2026-08", "2026-12", "2031-01"]) {
      const res = await api.call("GET", `/api/v1/programs/prog-1/reviews/${month}`, { token: admin });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: "no_review", months: months.body });
      expect(res.body.reason).toMatch(month === "2026-08" ? /no data for 2026-08/ : /has not begun/);
      expect((await api.call("GET", `/api/v1/programs/prog-1/reviews/${month}.csv`, { token: admin })).status).toBe(
        404,
      );
    }
    expect((await api.call("GET", "/api/v1/programs/prog-1/reviews", { token: manager })).status).toBe(403);
  });

  it("takes the program's worth and cost, strictly, and states the value", async () => {
    const read = await api.call("GET", "/api/v1/programs/prog-1", { token: admin });
    const put = (valuation: unknown, etag: string) =>
      api.call("PUT", "/api/v1/programs/prog-1", { token: admin, body: { valuation }, headers: { "if-match": etag } });
    const etag = read.headers.get("etag") ?? "";
    for (const bad of [
      { currency: "EUR", unitWorth: 1000, cost: 5000, margin: 3 },
      { currency: "euro", unitWorth: 1000, cost: 5000 },
      { currency: "EUR", unitWorth: -1, cost: 5000 },
      { currency: "EUR", unitWorth: 1000, cost: 0 },
      { currency: "EUR", unitWorth: 1000 },
    ]) {
      const res = await put(bad, etag);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.issues[0].field).toMatch(/^valuation/);
    }
    const saved = await put({ currency: "EUR", unitWorth: 1000, cost: 5000 }, etag);
    expect(saved.status).toBe(200);
    const res = await api.call("GET", review, { token: admin });
    expect(res.body.value.valuation).toEqual({ currency: "EUR", unitWorth: 1000, cost: 5000 });
    expect(res.body.value.statement).toMatch(/^The evidence does not support a number: /);
    const after = await api.call("GET", "/api/v1/programs/prog-1", { token: admin });
    await put(null, after.headers.get("etag") ?? "");
  });

  it("400 for a month that is not YYYY-MM, 404 for an unknown or another tenant's program, 403 for a manager", async () => {
    const bad = await api.call("GET", "/api/v1/programs/prog-1/reviews/2026-13", { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]).toMatchObject({ field: "month" });
    expect((await api.call("GET", "/api/v1/programs/nope/reviews/2026-10", { token: admin })).status).toBe(404);
    expect((await api.call("GET", "/api/v1/programs/theirs/reviews/2026-10", { token: admin })).status).toBe(404);
    expect((await api.call("GET", "/api/v1/programs/theirs/reviews/2026-10", { token: otherAdmin })).status).toBe(200);
    expect((await api.call("GET", review, { token: manager })).status).toBe(403);
    expect((await api.call("GET", `${review}.csv`, { token: manager })).status).toBe(403);
  });

  it("saves notes, refuses a stale or blind save with 409 and keeps the newer text", async () => {
    const notes = `${review}/notes`;
    const early = await api.call("PUT", notes, {
      token: admin,
      body: { text: "x" },
      headers: { "if-match": STALE_ETAG },
    });
    expect(early.status).toBe(409);
    const first = await api.call("PUT", notes, { token: admin, body: { text: "Pilot teams started late." } });
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toBeTruthy();
    expect(first.body.notesEtag).toBe(etag);
    const blind = await api.call("PUT", notes, { token: admin, body: { text: "Overwrite" } });
    expect(blind.status).toBe(409);
    const second = await api.call("PUT", notes, {
      token: admin,
      body: { text: "Second thoughts" },
      headers: { "if-match": etag },
    });
    expect(second.status).toBe(200);
    const stale = await api.call("PUT", notes, {
      token: admin,
      body: { text: "Stale" },
      headers: { "if-match": etag },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toMatch(/someone else changed it/);
    const read = await api.call("GET", review, { token: admin });
    expect(read.body.notes.text).toBe("Second thoughts");
    expect(read.headers.get("etag")).toBe(second.headers.get("etag"));
    expect(read.body.notesEtag).toBe(second.body.notesEtag);
  });

  it("400 for notes that are not text, and 403 for a manager; nothing saved", async () => {
    const notes = "/api/v1/programs/prog-1/reviews/2026-09/notes";
    const bad = await api.call("PUT", notes, { token: admin, body: { text: 42 } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]).toMatchObject({ field: "text" });
    expect((await api.call("PUT", notes, { token: manager, body: { text: "hi" } })).status).toBe(403);
    const read = await api.call("GET", "/api/v1/programs/prog-1/reviews/2026-09", { token: admin });
    expect(read.body.notes).toBeNull();
  });

  it("downloads the review as CSV with the notes", async () => {
    const response = await fetch(`${api.base}${review}.csv`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toContain("review-prog-1-2026-10.csv");
    const text = await response.text();
    expect(text).toContain("section,item,pilot,comparison,value,note");
    expect(text).toContain("Discovery that wins");
    expect(text).toContain("Second thoughts");
    expect((await api.call("GET", "/api/v1/programs/prog-1/reviews/2026-1.csv", { token: admin })).status).toBe(400);
  });
});
