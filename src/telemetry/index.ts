export * from "./delivery-telemetry.js";
export * from "./otel.js";
export * from "./request-context.js";
export * from "./request-telemetry.js";
