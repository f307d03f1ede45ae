export * from "./install-missing.js";
export * from "./install-record.js";
export * from "./participants.js";
export * from "./reach-loop.js";
export * from "./reach-report.js";
