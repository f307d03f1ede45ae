export * from "./chain-view.js";
