import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateApiKey } from "../../src/measure/index.js";
import { TEST_API_KEY_PEPPER } from "../support/test-config.js";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

let api: Api;
let world: World;
let other: World;
let admin: string;
let manager: string;
let otherAdmin: string;

beforeAll(async () => {
  api = await startApi();
  world = await seedWorld(api);
  other = await seedWorld(api);
  admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
  manager = await api.entra.token({ tenantId: world.tenantId, objectId: world.manager.objectId });
  otherAdmin = await api.entra.token({ tenantId: other.tenantId, objectId: other.admin.objectId });
});
afterAll(() => api.stop());

const values = async (tenantId: string) => (await api.storage.kpiValues.list(tenantId, "win-rate")).items;

async function upload(csv: string, mode: string, token = admin, extra = "") {
  const response = await fetch(`${api.base}/api/v1/kpi-imports?mode=${mode}${extra}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body: csv,
  });
  return { status: response.status, body: await response.json() };
}

const goodAndBad = "kpi;team;date;value\nwin-rate;team-a;01/10/2026;30,5\nwin-rate;team-zz;02/10/2026;31\n";

describe("manual KPI entry", () => {
  it("writes the values and keeps the KPI's latest figure current", async () => {
    const res = await api.call("POST", "/api/v1/kpis/win-rate/values", {
      token: admin,
      body: { values: [{ teamId: "team-b", date: "2026-10-05", value: 29 }] },
    });
    expect(res.status).toBe(201);
    expect(res.body.written).toBe(1);
    expect((await values(world.tenantId)).map((v) => [v.teamId, v.value])).toContainEqual(["team-b", 29]);
  });

  it("answers 400 naming each item's field and rule, and writes nothing", async () => {
    const before = (await values(world.tenantId)).length;
    const res = await api.call("POST", "/api/v1/kpis/win-rate/values", {
      token: admin,
      body: {
        values: [
          { teamId: "team-a", date: "2026-10-06", value: 30 },
          { teamId: "team-a", date: "06/10/2026", value: "lots" },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "values.1.date" }),
        expect.objectContaining({ field: "values.1.value" }),
      ]),
    );
    expect((await values(world.tenantId)).length).toBe(before);
    const notAList = await api.call("POST", "/api/v1/kpis/win-rate/values", { token: admin, body: { values: 3 } });
    expect(notAList.status).toBe(400);
    expect(notAList.body.issues[0].field).toBe("values");
  });

  it("is 404 for another tenant's KPI and 403 for a manager", async () => {
    const body = { values: [{ teamId: "team-a", date: "2026-10-05", value: 1 }] };
    expect((await api.call("POST", "/api/v1/kpis/nope/values", { token: admin, body })).status).toBe(404);
    expect((await api.call("POST", "/api/v1/kpis/win-rate/values", { token: manager, body })).status).toBe(403);
    expect((await api.call("POST", "/api/v1/kpis/win-rate/values", { body })).status).toBe(401);
  });
});

describe("CSV import", () => {
  it("previews a file with a bad row: the per-row report, nothing written", async () => {
    const before = (await values(world.tenantId)).length;
    const res = await upload(goodAndBad, "preview", admin, "&dateOrder=day-first");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 2, validRows: 1, invalidRows: 1, written: 0 });
    expect(res.body.issues).toEqual([expect.objectContaining({ row: 3, field: "team" })]);
    expect((await values(world.tenantId)).length).toBe(before);
  });

  it("a strict commit refuses the file with a bad row and writes nothing", async () => {
    const before = (await values(world.tenantId)).length;
    const res = await upload(goodAndBad, "commit", admin, "&dateOrder=day-first");
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid", invalidRows: 1, written: 0 });
    expect((await values(world.tenantId)).length).toBe(before);
  });

  it("commit-valid writes the valid rows only; re-sending replaces rather than duplicates", async () => {
    const first = await upload(goodAndBad, "commit-valid", admin, "&dateOrder=day-first");
    expect(first.body).toMatchObject({ validRows: 1, written: 1 });
    const again = await upload(goodAndBad, "commit-valid", admin, "&dateOrder=day-first");
    expect(again.body).toMatchObject({ validRows: 1, unchanged: 1, written: 0 });
    const written = (await values(world.tenantId)).filter((v) => v.teamId === "team-a" && v.date === "2026-10-01");
    expect(written.map((v) => v.value)).toEqual([30.5]);
  });

  it("commit-valid refuses a file that breaks off part-way with 400 and writes none of its rows", async () => {
    const before = (await values(world.tenantId)).length;
    const day = (i: number) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
    const rows = Array.from({ length: 150 }, (_, i) => `win-rate,team-b,${day(i)},${25 + i / 100}`);
    const res = await upload(
      ["kpi,team,date,value", ...rows, 'win-rate,"team-a,2026-10-05,1'].join("\n"),
      "commit-valid",
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/line/);
    expect((await values(world.tenantId)).length).toBe(before);
  });

  it("a strict commit of a clean file writes every row", async () => {
    const res = await upload(
      "kpi,team,date,value\nwin-rate,team-a,2026-10-12,31\nwin-rate,team-b,2026-10-12,28\n",
      "commit",
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: 2, written: 2 });
  });

  it("refuses a bad mode, a non-CSV body, an empty file and a non-admin, writing nothing", async () => {
    const before = (await values(world.tenantId)).length;
    const badMode = await upload(goodAndBad, "yolo");
    expect(badMode.status).toBe(400);
    expect(badMode.body.issues[0]).toMatchObject({ field: "mode" });
    const badOrder = await upload(goodAndBad, "commit-valid", admin, "&dateOrder=maybe");
    expect(badOrder.body.issues[0]).toMatchObject({ field: "dateOrder", rule: "must be day-first or month-first" });
    const unknown = await upload(goodAndBad, "commit-valid", admin, "&dayfirst=true");
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0]).toMatchObject({
      field: "dayfirst",
      rule: expect.stringMatching(/not a known field/),
    });
    const json = await api.call("POST", "/api/v1/kpi-imports?mode=commit-valid", { token: admin, body: { a: 1 } });
    expect(json.status).toBe(415);
    const empty = await upload("", "commit-valid");
    expect(empty.status).toBe(400);
    expect(empty.body.issues[0]).toMatchObject({ field: "header" });
    expect((await upload(goodAndBad, "commit-valid", manager, "&dateOrder=day-first")).status).toBe(403);
    expect((await values(world.tenantId)).length).toBe(before);
  });

  it("another tenant's admin imports into their own tenant only (team-a there, not here)", async () => {
    const before = (await values(world.tenantId)).length;
    const res = await upload("kpi,team,date,value\nwin-rate,team-a,2026-10-19,40\n", "commit-valid", otherAdmin);
    expect(res.body.written).toBe(1);
    expect((await values(other.tenantId)).map((v) => v.value)).toContain(40);
    expect((await values(world.tenantId)).length).toBe(before);
  });
});

describe("API keys", () => {
  it("creates a key shown once, lists it without the secret, and revokes it", async () => {
    const created = await api.call("POST", "/api/v1/api-keys", { token: admin, body: { name: "Power BI" } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^tl_/);
    expect(await authenticateApiKey(api.storage, TEST_API_KEY_PEPPER, created.body.key)).toBeTruthy();
    const list = await api.call("GET", "/api/v1/api-keys", { token: admin });
    expect(list.body.items).toEqual([expect.objectContaining({ keyId: created.body.keyId, revokedAt: null })]);
    // tl_{tenant}_{keyId}_{secret}: the secret is base64url, which may itself contain "_".
    const secret = String(created.body.key).split("_").slice(3).join("_");
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const revoked = await api.call("DELETE", `/api/v1/api-keys/${created.body.keyId}`, { token: admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    expect(await authenticateApiKey(api.storage, TEST_API_KEY_PEPPER, created.body.key)).toBeUndefined();
  });

  it("400 for a bad name, 404 for an unknown or another tenant's key, 403 for a manager", async () => {
    const bad = await api.call("POST", "/api/v1/api-keys", { token: admin, body: { name: " " } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]).toMatchObject({ field: "name" });
    expect((await api.call("GET", "/api/v1/api-keys", { token: admin })).body.items).toHaveLength(1);
    const theirs = await api.call("POST", "/api/v1/api-keys", { token: otherAdmin, body: { name: "Theirs" } });
    expect((await api.call("DELETE", `/api/v1/api-keys/${theirs.body.keyId}`, { token: admin })).status).toBe(404);
    expect((await api.call("DELETE", "/api/v1/api-keys/not-a-key", { token: admin })).status).toBe(404);
    expect(await authenticateApiKey(api.storage, TEST_API_KEY_PEPPER, theirs.body.key)).toBeTruthy();
    expect((await api.call("POST", "/api/v1/api-keys", { token: manager, body: { name: "x" } })).status).toBe(403);
    expect((await api.call("GET", "/api/v1/api-keys", { token: manager })).status).toBe(403);
  });
});
