export * from "./card-renderer.js";
export * from "./messenger.js";
