export * from "./person-data.js";
export * from "./person-requests.js";
export * from "./small-groups.js";
