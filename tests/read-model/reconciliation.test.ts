import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, startApi } from "../api/api-harness.js";
import { Oracle } from "./oracle.js";
import { readOutputs } from "./outputs.js";
import { randomProgram } from "./program-spec.js";
import { Ledger, reconcile } from "./reconcile.js";
import { type Clock, runProgram } from "./run-program.js";

/** How many random programs, and from which seed: every run of the suite builds the same ones. */
const PROGRAMS = Number(process.env.RECONCILE_PROGRAMS ?? 4);
const FIRST_SEED = Number(process.env.RECONCILE_SEED ?? 1201);
const MINIMUM = 3;

let api: Api;
const clock: Clock = { now: new Date("2026-01-01T00:00:00Z") };
// Each program runs in a tenant of its own, allowed up front as a deployment allows its customers.
const tenants = Array.from({ length: PROGRAMS }, () => randomUUID());
beforeAll(async () => {
  api = await startApi({
    clock: () => clock.now,
    minGroupSize: MINIMUM,
    env: { ALLOWED_TENANT_IDS: tenants.join(",") },
  });
});
afterAll(() => api.stop());

const ledger = new Ledger();
const totals = { programs: 0, reads: 0 };
afterAll(() => {
  console.log(
    `reconciliation: ${totals.programs} random programs, ${totals.reads} reads of every screen and export, ${ledger.compared} figures compared (${JSON.stringify(ledger.kinds)}; by output ${JSON.stringify(ledger.by)}), ${ledger.disagreements.length} disagreements`,
  );
});

describe("every figure on every screen and export equals its recomputation from the raw records", () => {
  it.each(Array.from({ length: PROGRAMS }, (_, i) => FIRST_SEED + i))(
    "random program %i",
    async (seed) => {
      const spec = randomProgram(seed);
      const before = ledger.disagreements.length;
      await runProgram(api, clock, tenants[seed - FIRST_SEED] ?? "", spec, async (log) => {
        reconcile(await readOutputs(api, log), new Oracle(log, clock.now, MINIMUM), ledger);
        totals.reads++;
      });
      totals.programs++;
      expect(ledger.disagreements.slice(before, before + 20)).toEqual([]);
    },
    900_000,
  );
});
