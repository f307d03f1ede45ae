export * from "./error-answers.js";
export * from "./path-ids.js";
export * from "./security-headers.js";
