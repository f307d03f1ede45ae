export * from "./csv-format.js";
export * from "./name-index.js";
