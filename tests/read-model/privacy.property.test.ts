import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MIN_GROUP_SIZE } from "../../src/measure/index.js";
import { type Api, startApi } from "../api/api-harness.js";
import { Oracle } from "./oracle.js";
import { readOutputs } from "./outputs.js";
import { scanPrivacy } from "./privacy-scan.js";
import { smallProgram } from "./program-spec.js";
import { type Clock, runProgram } from "./run-program.js";

/** Runs of the property, from a fixed seed so a failure repeats (fast-check prints the seed and the path). */
const RUNS = Number(process.env.PRIVACY_RUNS ?? 12);
const SEED = Number(process.env.PRIVACY_SEED ?? 20261202);

let api: Api;
const clock: Clock = { now: new Date("2026-01-01T00:00:00Z") };
// fast-check runs the property RUNS times (and more while shrinking a failure): a tenant of its own each time.
const tenants = Array.from({ length: RUNS * 4 }, () => randomUUID());
beforeAll(async () => {
  // The deployment default: no figure about people from fewer than five.
  api = await startApi({ clock: () => clock.now, env: { ALLOWED_TENANT_IDS: tenants.join(",") } });
});
afterAll(() => api.stop());

describe("privacy", () => {
  it("no screen or export shows a figure about people that stands on fewer people than the minimum", async () => {
    const totals = { programs: 0, numbers: 0, peopleFigures: 0, withheld: 0 };
    await fc.assert(
      fc.asyncProperty(smallProgram, async (spec) => {
        const problems: string[] = [];
        const tenantId = tenants.shift();
        if (!tenantId) throw new Error("every allowed tenant is used");
        await runProgram(api, clock, tenantId, spec, async (log) => {
          const outputs = await readOutputs(api, log);
          const scan = scanPrivacy(outputs, new Oracle(log, clock.now, DEFAULT_MIN_GROUP_SIZE));
          totals.numbers += scan.numbers;
          totals.peopleFigures += scan.peopleFigures;
          totals.withheld +=
            JSON.stringify([...outputs.managers.values(), outputs.program, ...outputs.reviews.values()]).split(
              '"withheld"',
            ).length - 1;
          problems.push(...scan.problems);
        });
        totals.programs++;
        expect(problems.slice(0, 20)).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(
      `privacy property: ${totals.programs} random programs, ${totals.numbers} numbers scanned, ${totals.peopleFigures} of them figures about people, ${totals.withheld} figures withheld`,
    );
  }, 3_600_000);
});
