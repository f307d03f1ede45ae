export * from "./messenger.js";
