import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import {
  monthlyReview,
  monthlyReviewCsv,
  rebuildRollups,
  recordObservations,
  saveReviewNotes,
} from "../../src/measure/index.js";
import { ConcurrencyError } from "../../src/storage/index.js";
import { aKpi, aProgram, aTeam } from "../support/fixtures.js";
import { newTenantId, testStorage } from "../support/storage.js";

async function reviewed() {
  const storage = await testStorage();
  const tenantId = newTenantId();
  await storage.kpis.save(aKpi(tenantId));
  const program = (await storage.programs.save(aProgram(tenantId))).value;
  const team = (await storage.teams.save(aTeam(tenantId))).value;
  await storage.teams.save(aTeam(tenantId, { id: "team-b" }));
  const observe = (at: string) => ({
    id: randomUUID(),
    tenantId,
    programId: "prog-1",
    teamId: "team-a",
    managerObjectId: team.manager.objectId,
    memberObjectId: team.members[0]?.objectId,
    behaviourId: "open-questions",
    levelIndex: 2,
    observedAt: at,
  });
  // Two in weeks starting in October, one in a week starting in November.
  await recordObservations(storage, program, "team-a", [
    observe("2026-10-06T10:00:00Z"),
    observe("2026-10-27T10:00:00Z"),
  ]);
  await recordObservations(storage, program, "team-a", [observe("2026-11-03T10:00:00Z")]);
  await storage.kpiValues.upsertMany(
    tenantId,
    "win-rate",
    [
      ["team-a", "2026-08-31", 28],
      ["team-a", "2026-10-31", 30],
      ["team-a", "2026-11-30", 31],
    ].map(([teamId, date, value]) => ({
      tenantId,
      kpiId: "win-rate",
      teamId,
      date,
      value,
      source: "csv",
      recordedAt: "2026-12-01T00:00:00Z",
    })),
  );
  return { storage, program };
}

describe("monthlyReview", () => {
  it("withholds a side's adoption when fewer people than the privacy minimum were observed on it", async () => {
    const { storage, program } = await reviewed();
    // One pilot member observed: below the default minimum of 5, the pilot share would be that person's.
    const review = await monthlyReview(storage, program, "2026-10");
    expect(review.chain[0]).toMatchObject({
      adoption: { pilot: null, comparison: null },
      withheld: ["pilot", "comparison"],
    });
    expect(review.engagement.pilot.observations).toBe(2);
    const chainLine = monthlyReviewCsv(review)
      .split("\n")
      .find((line) => line.startsWith("chain,"));
    // section, item, pilot, comparison: both shares empty in the download too.
    expect(chainLine?.split(",").slice(2, 4)).toEqual(["", ""]);
  });

  it("gathers chain, effect, engagement and notes for the month; notes refuse a stale save", async () => {
    const { storage, program } = await reviewed();
    await saveReviewNotes(storage, program, "2026-10", {
      text: "Strong start in EMEA.",
      updatedBy: "admin",
      etag: null,
    });
    const review = await monthlyReview(storage, program, "2026-10", { minGroupSize: 1 });
    expect(review.engagement.pilot.observations).toBe(2);
    expect(review.engagement.comparison.observations).toBe(0);
    expect(review.chain[0]).toMatchObject({ behaviourId: "open-questions", adoption: { pilot: 1 } });
    expect(review.effect).toMatchObject({ status: "not-enough-data" });
    expect(review.notes?.text).toBe("Strong start in EMEA.");

    await saveReviewNotes(storage, program, "2026-10", { text: "Edited", updatedBy: "a", etag: review.notesEtag });
    await expect(
      saveReviewNotes(storage, program, "2026-10", { text: "Lost update", updatedBy: "b", etag: review.notesEtag }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await monthlyReview(storage, program, "2026-10")).notes?.text).toBe("Edited");
    await rebuildRollups(storage, program);
    expect((await monthlyReview(storage, program, "2026-10")).notes?.text).toBe("Edited");
    await expect(monthlyReview(storage, program, "2026-13")).rejects.toThrow(/YYYY-MM/);
  });

  it("exports as CSV that reads back, with formulas neutralised", async () => {
    const { storage, program } = await reviewed();
    await saveReviewNotes(storage, program, "2026-11", {
      text: '=HYPERLINK("x"), "quoted"',
      updatedBy: "admin",
      etag: null,
    });
    const csv = monthlyReviewCsv(await monthlyReview(storage, program, "2026-11"));
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.section === "engagement" && r.item === "observations")).toMatchObject({ pilot: "1" });
    expect(rows.find((r) => r.section === "kpi")?.note).toMatch(/baseline 28 on 2026-07-01; target 34/);
    expect(rows.find((r) => r.section === "effect")?.note).toMatch(/Not enough data yet/);
    expect(rows.find((r) => r.section === "notes")?.note).toBe(`'=HYPERLINK("x"), "quoted"`);
  });
});
