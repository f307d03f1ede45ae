export * from "./lrs-sender.js";
export * from "./statements.js";
export * from "./xapi-outbox.js";
