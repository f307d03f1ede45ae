import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { person } from "../support/fixtures.js";
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
const programCount = async () => (await call("GET", "/programs?pageSize=100")).body.items.length;

const leadingKpi = {
  id: "documented-need",
  name: "Opportunities with a documented need",
  unit: "%",
  direction: "higher_is_better",
  baseline: { value: 40, date: "2026-07-01" },
  level: "team",
};

describe("bodies say what they refused", () => {
  it("names each unknown field of a program, nested ones by their path, and creates nothing", async () => {
    const before = await programCount();
    const res = await call("POST", "/programs", {
      name: "Discovery that wins",
      discover: { problem: "Reps pitch before they ask", desiredState: "Reps ask first" },
      leadingMetrics: ["documented-need"],
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      {
        field: "discover.problem",
        rule: "is not a known field (known here: problemToday, desiredState, barriers, strategicObjective)",
      },
      { field: "leadingMetrics", rule: expect.stringMatching(/^is not a known field \(known here: .*leadingKpiIds/) },
    ]);
    expect(await programCount()).toBe(before);

    const read = await call("GET", "/programs/prog-1");
    const put = await call(
      "PUT",
      "/programs/prog-1",
      { ...read.body, colour: "blue" },
      {
        "if-match": read.headers.get("etag") ?? "",
      },
    );
    expect(put.status).toBe(400);
    expect(put.body.issues.map((i: { field: string }) => i.field)).toEqual(["colour"]);
    expect((await call("GET", "/programs/prog-1")).headers.get("etag")).toBe(read.headers.get("etag"));
  });

  it("names unknown fields in KPIs, assets, rosters, values and every action's body", async () => {
    const refused = [
      await call("POST", "/kpis", { ...leadingKpi, id: "x1", target: { value: 50, date: "2026-12-31", by: "me" } }),
      await call("POST", "/programs/prog-1/assets", {
        kind: "nudge",
        title: "Ask first",
        behaviourIds: ["open-questions"],
        content: { prompt: "Ask one more question", style: "practice", emoji: "?" },
      }),
      await call("PUT", "/teams/team-z", {
        name: "Z",
        manager: person("Zed"),
        members: [{ ...person("Zoe"), email: "zoe@example.com" }],
      }),
      await call("POST", "/kpis/win-rate/values", {
        values: [{ teamId: "team-a", date: "2026-10-01", value: 30, note: "x" }],
      }),
      await call("POST", "/programs/prog-1/transition", { to: "active", force: true }),
      await call("POST", "/programs/prog-1/clone", { name: "Copy", withValues: true }),
      await call("PUT", "/programs/prog-1/reviews/2026-10/notes", { text: "Good month", author: "me" }),
      await call("POST", "/api-keys", { name: "BI", scopes: ["all"] }),
      await call("POST", "/programs/prog-1/deliveries/resend-failed", { onlyToday: true }),
    ];
    expect(refused.map((r) => r.status)).toEqual(refused.map(() => 400));
    expect(refused.map((r) => r.body.issues[0].field)).toEqual([
      "target.by",
      "content.emoji",
      "members.0.email",
      "values.0.note",
      "force",
      "withValues",
      "author",
      "scopes",
      "onlyToday",
    ]);
    expect(await api.storage.kpis.get(world.tenantId, "x1")).toBeUndefined();
    expect(await api.storage.teams.get(world.tenantId, "team-z")).toBeUndefined();
    expect((await call("GET", "/api-keys")).body.items).toEqual([]);
  });

  it("documents every body as strict in the OpenAPI description", async () => {
    const doc = (await api.call("GET", "/api/v1/openapi.json")).body;
    for (const name of ["Program", "Kpi", "Team"])
      expect(doc.components.schemas[name].additionalProperties, name).toBe(false);
    for (const variant of doc.components.schemas.Asset.oneOf) expect(variant.additionalProperties).toBe(false);
    expect(doc.components.schemas.Program.properties.discover.additionalProperties).toBe(false);
    const body = (path: string, method = "post") =>
      doc.paths[path][method].requestBody.content["application/json"].schema;
    for (const [path, method] of [
      ["/kpis/{kpiId}/values", "post"],
      ["/kpi-values", "post"],
      ["/programs/{id}/transition", "post"],
      ["/programs/{id}/clone", "post"],
      ["/api-keys", "post"],
      ["/programs/{id}/reviews/{month}/notes", "put"],
    ] as const)
      expect(body(path, method).additionalProperties, path).toBe(false);
    expect(body("/kpis/{kpiId}/values").properties.values.items.additionalProperties).toBe(false);
  });
});

describe("leading metrics and windows", () => {
  it("creates a leading metric without a target, labels it leading, and refuses it as an outcome", async () => {
    const created = await call("POST", "/kpis", leadingKpi);
    expect(created.status).toBe(201);
    expect(created.body.target).toBeNull();
    const asOutcome = await call("POST", "/programs", { name: "Indicator only", outcomeKpiId: "documented-need" });
    expect(asOutcome.status).toBe(400);
    expect(asOutcome.body.issues).toEqual([
      {
        field: "outcomeKpiId",
        rule: "must be a KPI with a target (Opportunities with a documented need has none: make it a leading metric, or give the outcome a target)",
      },
    ]);

    const program = await call("POST", "/programs", {
      name: "Discovery that wins",
      outcomeKpiId: "win-rate",
      leadingKpiIds: ["documented-need"],
      teams: [{ teamId: "team-a", role: "pilot" }],
    });
    expect(program.status).toBe(201);
    await call("POST", "/kpis/documented-need/values", {
      values: [{ teamId: "team-a", date: "2026-10-31", value: 46 }],
    });
    const view = await call("GET", `/programs/${program.body.id}/view`);
    expect(view.status).toBe(200);
    const figures = view.body.kpis.map((k: { id: string; role: string; target: unknown; progress: unknown }) => [
      k.id,
      k.role,
      k.target,
      k.progress,
    ]);
    expect(figures).toEqual([
      ["win-rate", "outcome", { value: 34, date: "2026-12-31" }, null],
      ["documented-need", "leading", null, null],
    ]);
  });

  it("takes a window as a start and a length in days, and stores its last day", async () => {
    const created = await call("POST", "/programs", {
      name: "90-day pilot",
      window: { start: "2026-07-01", days: 90 },
    });
    expect(created.status).toBe(201);
    expect(created.body.window).toEqual({ start: "2026-07-01", end: "2026-09-28" });
    expect((await call("GET", `/programs/${created.body.id}`)).body.window).toEqual({
      start: "2026-07-01",
      end: "2026-09-28",
    });
    const both = await call("POST", "/programs", {
      name: "Both",
      window: { start: "2026-07-01", end: "2026-09-30", days: 90 },
    });
    expect(both.body.issues).toEqual([
      { field: "window.days", rule: "must not be given with end: give one or the other" },
    ]);
    const neither = await call("POST", "/programs", { name: "Neither", window: { start: "2026-07-01" } });
    expect(neither.body.issues).toEqual([
      { field: "window.end", rule: "is required (or give days: the window's length)" },
    ]);
    const fraction = await call("POST", "/programs", { name: "Half", window: { start: "2026-07-01", days: 1.5 } });
    expect(fraction.body.issues).toEqual([{ field: "window.days", rule: "must be a whole number of days" }]);
  });
});
