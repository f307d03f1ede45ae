export * from "./adapter.js";
export * from "./client-credentials.js";
export * from "./proactive-messenger.js";
