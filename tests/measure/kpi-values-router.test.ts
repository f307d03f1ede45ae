import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authenticateApiKey,
  createApiKey,
  createKpiValuesRouter,
  listApiKeys,
  readKpiLatest,
  revokeApiKey,
  updateKpiRollups,
} from "../../src/measure/index.js";
import type { Storage } from "../../src/storage/index.js";
import { aKpi, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

const PEPPER = "a-test-pepper-that-is-long-enough-123";
let storage: Storage;
let base: string;
let close: () => void;

beforeAll(async () => {
  storage = await testStorage();
  const app = express();
  app.use(
    "/api/v1",
    createKpiValuesRouter({
      storage,
      apiKeyPepper: PEPPER,
      afterWrite: (t, k, v) => updateKpiRollups(storage, t, k, v),
    }),
  );
  const server = app.listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  close = () => server.close();
});
afterAll(() => close());

async function tenant() {
  const tenantId = newTenantId();
  await storage.kpis.save(aKpi(tenantId));
  await storage.teams.save(aTeam(tenantId, { id: "team-a" }));
  const { key } = await createApiKey(storage, PEPPER, { tenantId, name: "Power BI", createdBy: "admin" });
  return { tenantId, key };
}

const post = (key: string | undefined, body: unknown) =>
  fetch(`${base}/kpi-values`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `ApiKey ${key}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const values = async (tenantId: string) => (await storage.kpiValues.list(tenantId, "win-rate")).items;

describe("API keys", () => {
  it("shows the key once, stores only a salted hash, lists without secrets", async () => {
    const tenantId = newTenantId();
    const { key, summary } = await createApiKey(storage, PEPPER, { tenantId, name: "BI", createdBy: "admin" });
    const stored = await storage.apiKeys.get(tenantId, summary.keyId);
    const secret = key.split("_").at(-1) ?? "";
    expect(JSON.stringify(stored?.value)).not.toContain(secret);
    expect(stored?.value.salt).toBeTruthy();
    const listed = await listApiKeys(storage, tenantId);
    expect(listed).toEqual([summary]);
    expect(JSON.stringify(listed)).not.toContain("hash");
    expect(await authenticateApiKey(storage, PEPPER, key)).toEqual({ tenantId, keyId: summary.keyId });
    expect(await authenticateApiKey(storage, "another-pepper-another-pepper-000", key)).toBeUndefined();
  });
});

describe("POST /api/v1/kpi-values", () => {
  it("writes valid values for the key's tenant and replaces a re-sent one", async () => {
    const { tenantId, key } = await tenant();
    const first = await post(key, { values: [{ kpiId: "win-rate", teamId: "team-a", date: "2026-08-01", value: 29 }] });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ written: 1, replaced: 0, unchanged: 0, duplicates: 0 });
    const again = await post(key, {
      values: [{ kpiId: "win-rate", teamId: "team-a", date: "2026-08-01", value: 30.5 }],
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ written: 1, replaced: 1, unchanged: 0, duplicates: 0 });
    expect((await values(tenantId)).map((v) => [v.date, v.value, v.source])).toEqual([["2026-08-01", 30.5, "api"]]);
    expect((await readKpiLatest(storage, tenantId, "win-rate")).series["team-a"]).toEqual({
      date: "2026-08-01",
      value: 30.5,
    });
  });

  it("refuses a missing, malformed, forged or revoked key with 401 and writes nothing", async () => {
    const { tenantId, key } = await tenant();
    const body = { values: [{ kpiId: "win-rate", teamId: "team-a", date: "2026-08-01", value: 29 }] };
    expect((await post(undefined, body)).status).toBe(401);
    expect((await post("not-a-key", body)).status).toBe(401);
    const forged = `${key.slice(0, -4)}AAAA`;
    expect((await post(forged, body)).status).toBe(401);
    const keyId = key.split("_")[2] ?? "";
    await revokeApiKey(storage, tenantId, keyId);
    expect((await post(key, body)).status).toBe(401);
    expect(await values(tenantId)).toEqual([]);
    expect((await listApiKeys(storage, tenantId))[0]?.revokedAt).toBeTruthy();
  });

  it("refuses a key presented with another tenant's id (401) and never writes to another tenant's KPIs", async () => {
    const a = await tenant();
    const b = await tenant();
    const body = { values: [{ kpiId: "win-rate", teamId: "team-a", date: "2026-08-01", value: 29 }] };
    const swapped = a.key.replace(a.tenantId, b.tenantId);
    expect((await post(swapped, body)).status).toBe(401);
    expect(await values(b.tenantId)).toEqual([]);

    const c = newTenantId();
    const { key: keyOfEmptyTenant } = await createApiKey(storage, PEPPER, { tenantId: c, name: "x", createdBy: "y" });
    const res = await post(keyOfEmptyTenant, body);
    expect(res.status).toBe(422);
    expect(await values(a.tenantId)).toEqual([]);
    expect(await values(c)).toEqual([]);
  });

  it("writes nothing when one value is invalid and lists every problem (422)", async () => {
    const { tenantId, key } = await tenant();
    const res = await post(key, {
      values: [
        { kpiId: "win-rate", teamId: "team-a", date: "2026-08-01", value: 29 },
        { kpiId: "win-rate", teamId: "team-a", date: "01/08/2026", value: "x" },
      ],
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { issues: { row: number; field: string }[] };
    expect(body.issues.map((i) => [i.row, i.field])).toEqual([
      [1, "date"],
      [1, "value"],
    ]);
    expect(await values(tenantId)).toEqual([]);
  });

  it("answers a malformed body with 400", async () => {
    const { key } = await tenant();
    expect((await post(key, "{not json")).status).toBe(400);
    const wrongField = await post(key, { rows: [] });
    expect(wrongField.status).toBe(400);
    expect((await wrongField.json()).issues).toEqual(
      expect.arrayContaining([
        { field: "values", rule: "must be a list of {kpiId, teamId, date, value}" },
        { field: "rows", rule: "is not a known field (known here: values)" },
      ]),
    );
    const extra = await post(key, {
      values: [{ kpiId: "win-rate", teamId: "team-a", date: "2026-08-01", value: 29, unit: "%" }],
    });
    expect(extra.status).toBe(400);
    expect((await extra.json()).issues).toEqual([
      { field: "values.0.unit", rule: "is not a known field (known here: kpiId, teamId, date, value)" },
    ]);
    expect((await post(key, { values: [] })).status).toBe(422);
  });
});
