import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { person } from "../support/fixtures.js";
import { type Api, seedWorld, startApi } from "./api-harness.js";

// The harness clock says 2026-11-23T09:00Z: a value dated 2026-11-30 is in the future.
let api: Api;
let admin: string;

beforeAll(async () => {
  api = await startApi();
  const world = await seedWorld(api);
  admin = await api.entra.token({ tenantId: world.tenantId, objectId: world.admin.objectId });
  const churn = await api.call("POST", "/api/v1/kpis", {
    token: admin,
    body: {
      id: "churn",
      name: "Customer churn",
      unit: "%",
      direction: "lower_is_better",
      baseline: { value: 3.5, date: "2026-07-01" },
      target: { value: 2.5, date: "2026-12-31" },
      level: "team",
    },
  });
  expect(churn.status).toBe(201);
  const team = await api.call("PUT", "/api/v1/teams/renewals-north", {
    token: admin,
    body: { name: "Renewals North", manager: person("Ingrid Berg", "Europe/Oslo"), members: [person("Ola Nordmann")] },
  });
  expect(team.status).toBe(201);
});
afterAll(() => api.stop());

async function upload(csv: string, query: string) {
  const response = await fetch(`${api.base}/api/v1/kpi-imports?${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "text/csv" },
    body: csv,
  });
  return { status: response.status, body: await response.json() };
}

/** What is stored, read back through the API as an admin would. */
async function stored(teamId: string) {
  const res = await api.call("GET", `/api/v1/kpis/churn/values?teamId=${teamId}`, { token: admin });
  expect(res.status).toBe(200);
  return (res.body.items as { date: string; value: number }[]).map((v) => [v.date, v.value]);
}

// As a European BI tool exports it: BOM, ";" separators, decimal commas, day-first dates, names not ids.
const exported = [
  "\uFEFFKPI;Team;Date;Value",
  "Customer churn;Renewals North;31/10/2026;3,1", // 2
  " customer CHURN ;renewals north;30/09/2026;3,4", // 3: the same KPI and team, typed differently
  "Customer churn;Renewals Nórth;31/08/2026;3,6", // 4: an accent the team's name does not have
  "Customer churn;Team B;31/10/2026;2,8", // 5
  "Customer churn;Team B;31/10/2026;2,8", // 6: the same row again
  "Customer churn;Team A;31/10/2026;2,9", // 7
  "Customer churn;Team A;31/10/2026;3,2", // 8: a different value for line 7's KPI, team and date
  "Custmer churn;Team A;30/09/2026;3,0", // 9: a typo in the KPI
  "Customer churn;Renewals North;30/11/2026;2,9", // 10: dated after today
].join("\r\n");

describe("a KPI export as people make it", () => {
  it("previews with names matched, dates read day first, and every problem on its line", async () => {
    const res = await upload(exported, "mode=preview");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rows: 9,
      validRows: 4,
      invalidRows: 5,
      toWrite: 3,
      duplicates: 1,
      unchanged: 0,
      written: 0,
      question: null,
      futureDates: "refused",
      dates: { order: "day-first", from: "file", example: { row: 2, text: "31/10/2026" } },
    });
    expect(res.body.issues.map((i: { row: number; field: string }) => [i.row, i.field])).toEqual([
      [4, "team"],
      [7, "row"],
      [8, "row"],
      [9, "kpi"],
      [10, "date"],
    ]);
    const rule = (row: number) => res.body.issues.find((i: { row: number }) => i.row === row).rule;
    expect(rule(4)).toBe('no team "Renewals Nórth" in this tenant (did you mean "Renewals North" (renewals-north)?)');
    expect(rule(7)).toBe("gives 2.9, but the same KPI, team and date has 3.2 on line 8: keep one value");
    expect(rule(8)).toBe("gives 3.2, but the same KPI, team and date has 2.9 on line 7: keep one value");
    expect(rule(9)).toMatch(/no KPI "Custmer churn" in this tenant \(did you mean "Customer churn" \(churn\)\?\)/);
    expect(rule(10)).toBe("is after today (2026-11-23): values dated in the future are refused");
    expect(res.body.notes).toEqual([{ row: 6, note: "repeats line 5: counted once" }]);
    expect(await stored("renewals-north")).toEqual([]);
  });

  it("a strict commit writes nothing; accepting the valid rows stores exactly what the report counts", async () => {
    const strict = await upload(exported, "mode=commit");
    expect(strict.status).toBe(400);
    expect(strict.body).toMatchObject({ error: "invalid", written: 0 });
    expect([...(await stored("renewals-north")), ...(await stored("team-b")), ...(await stored("team-a"))]).toEqual([]);

    const accepted = await upload(exported, "mode=commit-valid");
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ validRows: 4, toWrite: 3, written: 3 });
    const all = [...(await stored("renewals-north")), ...(await stored("team-b")), ...(await stored("team-a"))];
    expect(all).toEqual([
      ["2026-09-30", 3.4],
      ["2026-10-31", 3.1],
      ["2026-10-31", 2.8],
    ]);
    expect(all).toHaveLength(accepted.body.written);
  });

  it("against stored values: the same value is not written again, a different one is a problem unless replacing", async () => {
    const corrected = "kpi,team,date,value\nchurn,renewals-north,2026-10-31,3.1\nchurn,renewals-north,2026-09-30,3.3\n";
    const preview = await upload(corrected, "mode=preview");
    expect(preview.body).toMatchObject({ validRows: 1, invalidRows: 1, unchanged: 1, storedConflicts: 1, toWrite: 0 });
    expect(preview.body.issues).toEqual([
      {
        row: 3,
        field: "row",
        rule: "gives 3.3, but 3.4 is stored for this KPI, team and date (recorded 2026-11-23 from csv): replace stored values to overwrite it",
      },
    ]);
    expect(preview.body.notes).toEqual([{ row: 2, note: "already stored with this value: nothing to write" }]);
    const refused = await upload(corrected, "mode=commit");
    expect(refused.status).toBe(400);
    expect(await stored("renewals-north")).toEqual([
      ["2026-09-30", 3.4],
      ["2026-10-31", 3.1],
    ]);

    const replaced = await upload(corrected, "mode=commit&replace=true");
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ validRows: 2, unchanged: 1, replaced: 1, written: 1 });
    expect(await stored("renewals-north")).toEqual([
      ["2026-09-30", 3.3],
      ["2026-10-31", 3.1],
    ]);
  });

  it("asks which way round the dates are only when no date in the file settles it", async () => {
    const ambiguous =
      "kpi;team;date;value\nCustomer churn;Renewals North;03/04/2026;3,7\nchurn;team-b;04/05/2026;3,0\n";
    const asked = await upload(ambiguous, "mode=preview");
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      rows: 2,
      dates: null,
      question: {
        id: "dateOrder",
        example: { row: 2, text: "03/04/2026" },
        options: [
          { answer: "day-first", reads: "3 April 2026" },
          { answer: "month-first", reads: "March 4, 2026" },
        ],
      },
    });
    const unanswered = await upload(ambiguous, "mode=commit-valid");
    expect(unanswered.status).toBe(400);
    expect(unanswered.body).toMatchObject({ error: "needs_answer", written: 0 });
    expect((await stored("renewals-north")).map(([d]) => d)).not.toContain("2026-04-03");

    const answered = await upload(ambiguous, "mode=commit&dateOrder=month-first");
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ written: 2, dates: { order: "month-first", from: "answer" } });
    expect(await stored("renewals-north")).toContainEqual(["2026-03-04", 3.7]);
    expect(await stored("team-b")).toContainEqual(["2026-04-05", 3]);
  });

  it("manual entry counts what it stores, and refuses two values for one day in one request or a future date", async () => {
    const both = await api.call("POST", "/api/v1/kpis/churn/values", {
      token: admin,
      body: {
        values: [
          { teamId: "team-a", date: "2026-08-31", value: 3 },
          { teamId: "team-a", date: "2026-08-31", value: 3.2 },
        ],
      },
    });
    expect(both.status).toBe(400);
    expect(both.body.issues.map((i: { field: string }) => i.field)).toEqual(["values.0.row", "values.1.row"]);
    expect(both.body.issues[0].rule).toMatch(/3.2 on item 1/);
    const future = await api.call("POST", "/api/v1/kpis/churn/values", {
      token: admin,
      body: { values: [{ teamId: "team-a", date: "2026-12-01", value: 3 }] },
    });
    expect(future.body.issues).toEqual([{ field: "values.0.date", rule: expect.stringMatching(/after today/) }]);
    const twice = await api.call("POST", "/api/v1/kpis/churn/values", {
      token: admin,
      body: {
        values: [
          { teamId: "team-a", date: "2026-08-31", value: 3 },
          { teamId: "team-a", date: "2026-08-31", value: 3 },
          { teamId: "renewals-north", date: "2026-10-31", value: 3.1 },
        ],
      },
    });
    expect(twice.status).toBe(201);
    expect(twice.body).toEqual({ written: 1, replaced: 0, unchanged: 1, duplicates: 1 });
    expect(await stored("team-a")).toEqual([["2026-08-31", 3]]);
  });
});
