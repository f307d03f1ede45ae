export * from "./kpi-values-router.js";
