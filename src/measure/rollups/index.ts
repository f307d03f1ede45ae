export * from "./kpi-latest.js";
export * from "./kpi-series.js";
export * from "./rebuild-rollups.js";
export * from "./record-activity.js";
export * from "./rollup-intents.js";
export * from "./rollup-model.js";
export * from "./update-rollup.js";
