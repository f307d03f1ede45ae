export * from "./kpi-latest.js";
export * from "./update-rollup.js";
