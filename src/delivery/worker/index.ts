export * from "./delivery-decision.js";
export * from "./delivery-worker.js";
export * from "./failure-policy.js";
export * from "./message-disposition.js";
export * from "./outcomes.js";
export { POSSIBLE_DUPLICATE, sendStepChannel, type WorkerHooks } from "./send-delivery.js";
