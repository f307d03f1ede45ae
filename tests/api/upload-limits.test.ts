import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, seedWorld, startApi, type World } from "./api-harness.js";

/** Small limits, so the tests send kilobytes rather than the megabytes of the defaults. */
const LIMITS = { MAX_KPI_CSV_BYTES: "4096", MAX_ROSTER_CSV_BYTES: "4096", MAX_CSV_ROWS: "20" };

let api: Api;
let world: World;
let admin: string;

beforeAll(async () => {
  api = await startApi({ env: LIMITS });
  world = await seedWorld(api);
  admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
});
afterAll(() => api.stop());

const upload = (path: string, csv: string, headers: Record<string, string> = {}) =>
  api.call("POST", `/api/v1${path}`, { token: admin, body: csv, headers: { "content-type": "text/csv", ...headers } });

const kpiRows = (n: number) =>
  `kpi,team,date,value\n${Array.from({ length: n }, (_, i) => `win-rate,team-a,2026-0${1 + (i % 9)}-${String(10 + Math.floor(i / 9)).padStart(2, "0")},${30 + i}`).join("\n")}\n`;
const storedValues = async () => (await api.storage.kpiValues.list(world.tenantId, "win-rate")).items.length;

describe("KPI CSV limits", () => {
  it("a file within the limits is imported", async () => {
    const res = await upload("/kpi-imports?mode=commit", kpiRows(5));
    expect(res.status).toBe(200);
    expect(res.body.written).toBe(5);
  });

  it("more bytes than MAX_KPI_CSV_BYTES is 413, said before reading when Content-Length says so; nothing written", async () => {
    const before = await storedValues();
    const big = `kpi,team,date,value\n${"win-rate,team-a,2026-03-01,31\n".repeat(200)}`;
    for (const mode of ["preview", "commit"]) {
      const res = await upload(`/kpi-imports?mode=${mode}`, big);
      expect(res.status).toBe(413);
      expect(res.body).toEqual({
        error: "too_large",
        issues: [{ field: "(body)", rule: "must be at most 4096 bytes" }],
      });
    }
    // Streamed without a length: refused once the limit is passed.
    const chunked = await fetch(`${api.base}/api/v1/kpi-imports?mode=commit`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "text/csv" },
      body: new Blob([big]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await storedValues()).toBe(before);
  });

  it("more rows than MAX_CSV_ROWS is 413 and nothing is written", async () => {
    const before = await storedValues();
    const res = await upload("/kpi-imports?mode=commit-valid", kpiRows(21));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: "too_large", issues: [{ field: "(file)", rule: "must have at most 20 rows" }] });
    expect(await storedValues()).toBe(before);
  });
});

describe("roster CSV limits", () => {
  const roster = (members: number) =>
    [
      "team,team_name,role,object_id,display_name,time_zone",
      `r-1,Roster,manager,${crypto.randomUUID()},Boss,Europe/London`,
      ...Array.from(
        { length: members },
        (_, i) => `r-1,Roster,member,${crypto.randomUUID()},Person ${i},Europe/London`,
      ),
    ].join("\n");

  it("more bytes than MAX_ROSTER_CSV_BYTES is 413 and no team is written", async () => {
    const res = await upload("/team-imports?mode=commit", roster(60));
    expect(res.status).toBe(413);
    expect(res.body.error).toBe("too_large");
    expect(await api.storage.teams.get(world.tenantId, "r-1")).toBeUndefined();
  });

  it("more rows than MAX_CSV_ROWS is 413 and no team is written", async () => {
    const res = await upload("/team-imports?mode=commit", roster(25).replaceAll("Europe/London", "UTC"));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: "too_large", issues: [{ field: "(file)", rule: "must have at most 20 rows" }] });
    expect(await api.storage.teams.get(world.tenantId, "r-1")).toBeUndefined();
    const fits = await upload("/team-imports?mode=commit", roster(5));
    expect(fits.status).toBe(200);
    expect(fits.body.created).toBe(1);
  });
});
