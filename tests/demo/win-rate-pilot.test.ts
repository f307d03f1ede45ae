import { describe, expect, it } from "vitest";
import { DEMO_TENANT_ID, demoTeams, seedWinRatePilot, WIN_RATE_PILOT } from "../../src/demo/index.js";
import { startAzurite } from "../../src/dev/azurite.js";
import { activationProblems, parseProgram, pilotTeamIds } from "../../src/domain/index.js";
import { computeRollups, isRebuiltRow, programScope, readKpiLatest } from "../../src/measure/index.js";
import { openStorage, storageAccount } from "../../src/storage/index.js";

describe("the scenario-1 demo seed", () => {
  it("seeds a complete, active win-rate pilot once, and only once", async () => {
    // Its own Azurite: the seed writes the fixed demo tenant, which other tests must not see.
    const azurite = await startAzurite();
    try {
      const storage = openStorage(
        storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }),
      );
      await storage.ensure();
      const now = new Date("2026-11-23T12:00:00Z");
      expect(await seedWinRatePilot(storage, now)).toBe(true);
      expect(await seedWinRatePilot(storage, now)).toBe(false);

      const program = (await storage.programs.get(DEMO_TENANT_ID, WIN_RATE_PILOT.programId))?.value;
      if (!program) throw new Error("no program");
      expect(parseProgram(program)).toEqual(program);
      expect(program.status).toBe("active");
      const assets = await storage.assets.all(DEMO_TENANT_ID, program.id);
      expect(activationProblems(program, assets)).toEqual([]);
      expect(new Set(assets.map((a) => a.kind))).toEqual(
        new Set([
          "micro_challenge",
          "talk_track",
          "conversation_guide",
          "observation_checklist",
          "nudge",
          "skills_check",
        ]),
      );

      expect(program.teams.filter((t) => t.role === "pilot")).toHaveLength(3);
      expect(program.teams.filter((t) => t.role === "comparison")).toHaveLength(2);
      const zones = new Set<string>();
      for (const teamId of pilotTeamIds(program)) {
        const team = (await storage.teams.get(DEMO_TENANT_ID, teamId))?.value;
        zones.add(team?.manager.timeZone ?? "");
        const observed = await storage.observations.latest(DEMO_TENANT_ID, teamId, { pageSize: 1000 });
        expect(observed.items.length).toBeGreaterThan(20);
        expect(observed.items.every((o) => Date.parse(o.observedAt) < now.getTime())).toBe(true);
      }
      expect(zones).toEqual(new Set(["Europe/London", "America/New_York", "Asia/Kolkata"]));

      const winRate = await storage.kpiValues.list(DEMO_TENANT_ID, "win-rate", { pageSize: 1000 });
      expect(winRate.items).toHaveLength(demoTeams.length * 4);
      // The views read rollups: the seed leaves them equal to a recomputation from its raw records.
      const expected = await computeRollups(storage, program);
      const stored = await storage.rollups.range(DEMO_TENANT_ID, programScope(program.id), "", "~");
      const derived = stored.filter((r) => isRebuiltRow(r.rowKey));
      expect(derived.length).toBeGreaterThan(0);
      expect(new Map(derived.map((r) => [r.rowKey, r.data]))).toEqual(expected);
      expect(Object.keys((await readKpiLatest(storage, DEMO_TENANT_ID, "win-rate")).series)).toHaveLength(
        demoTeams.length,
      );
      const manager = demoTeams[0]?.manager[0] ?? "";
      expect(manager).toBe("Amelia Clarke");
    } finally {
      await azurite.stop();
    }
  });
});
