export * from "./actions/index.js";
export * from "./adapter.js";
export * from "./cards/index.js";
export * from "./client-credentials.js";
export * from "./commands/index.js";
export * from "./proactive-messenger.js";
export * from "./teams-bot.js";
