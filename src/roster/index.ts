export * from "./directory-roster.js";
export * from "./import-roster-csv.js";
