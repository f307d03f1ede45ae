export * from "./demo-ids.js";
export * from "./win-rate-pilot.js";
