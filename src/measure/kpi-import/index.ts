export * from "./import-kpi-csv.js";
export * from "./kpi-catalogue.js";
export * from "./kpi-value-set.js";
export * from "./kpi-value-writer.js";
export * from "./parse-cell.js";
export * from "./read-kpi-csv.js";
export * from "./submit-kpi-values.js";
export * from "./validate-kpi-value.js";
