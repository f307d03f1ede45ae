export * from "./api-deps.js";
export * from "./auth/index.js";
export * from "./create-api.js";
export * from "./openapi.js";
export * from "./routes/dev.js";
export * from "./serve-tab.js";
