export * from "./action-context.js";
export * from "./complete-delivery.js";
export * from "./handle-card-action.js";
export * from "./load-delivery.js";
export * from "./rejections.js";
