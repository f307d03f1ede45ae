export * from "./directory.js";
export * from "./graph-directory.js";
export * from "./time-zones.js";
