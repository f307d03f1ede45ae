export * from "./api-keys/index.js";
export * from "./bi-api/index.js";
export * from "./effect/index.js";
export * from "./kpi-import/index.js";
export * from "./privacy/index.js";
export * from "./rollups/index.js";
export * from "./xapi/index.js";
