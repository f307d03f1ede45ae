export * from "./import-roster-csv.js";
