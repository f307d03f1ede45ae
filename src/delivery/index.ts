export * from "./plan-tenant.js";
export * from "./planner.js";
