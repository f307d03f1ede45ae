export * from "./command-context.js";
export * from "./help-command.js";
export * from "./observe-command.js";
export * from "./parse-command.js";
export * from "./person-time-zone.js";
export * from "./route-command.js";
