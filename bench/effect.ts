import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { DESIGNS, PRE_TREND_SLOPE, simulate, TRUE_EFFECT } from "../tests/support/effect-simulation.js";

/**
 * The effect estimate over seeded simulated pilots, more runs than the test: coverage, false claims and
 * pre-trend cautions per design. Writes .bench/effect.json. `-- --runs 200` for a quicker look.
 */
const { values } = parseArgs({ options: { runs: { type: "string", default: "1000" } } });
const runs = Number(values.runs);
const rows = [];
const started = Date.now();
for (const design of DESIGNS) {
  const t = Date.now();
  const row = simulate(design, runs);
  rows.push({ ...row, seconds: (Date.now() - t) / 1000 });
  const p = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);
  console.log(
    `${design.name.padEnd(66)} runs ${runs}  coverage ${p(row.coverage)}  false claims ${p(row.falseClaims)}  ` +
      `pre-trend cautioned/withheld ${p(row.preTrendWarnedOrWithheld)}  pre-trend false claims ${p(row.preTrendFalseClaims)}  ` +
      `(interval alone ${p(row.preTrendIntervalAloneClaims)})  claims with effect ${p(row.claimsWithEffect)}  ` +
      `cautions, parallel ${p(row.falseWarnings)}  ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
}
const result = {
  runsPerDesign: runs,
  trueEffect: TRUE_EFFECT,
  preTrendSlopePerMonth: PRE_TREND_SLOPE,
  thresholds: { coverage: 0.88, falseClaims: 0.1, preTrendWarnedOrWithheld: 0.8, preTrendFalseClaims: 0.15 },
  rows,
  seconds: (Date.now() - started) / 1000,
  loadAverage: loadavg(),
  at: new Date().toISOString(),
};
mkdirSync(".bench", { recursive: true });
writeFileSync(".bench/effect.json", `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote .bench/effect.json (${result.seconds.toFixed(0)} s)`);
const failed = rows.filter(
  (r) => r.coverage < 0.88 || r.falseClaims > 0.1 || r.preTrendWarnedOrWithheld < 0.8 || r.preTrendFalseClaims > 0.15,
);
if (failed.length > 0) {
  console.error(`below the bar: ${failed.map((r) => r.design).join("; ")}`);
  process.exitCode = 1;
}
