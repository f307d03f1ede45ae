export * from "./person-data.js";
export * from "./small-groups.js";
