export * from "./due-actions.js";
export * from "./due-list.js";
