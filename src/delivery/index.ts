export * from "./backoff.js";
export * from "./conversation-limiter.js";
export * from "./fallback-card.js";
export * from "./lease.js";
export * from "./plan-tenant.js";
export * from "./planner.js";
export * from "./tenant-rate-limiter.js";
export * from "./worker.js";
