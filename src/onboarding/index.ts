export * from "./onboard-tenant.js";
export * from "./tenant-admins.js";
export * from "./tenant-onboarding.js";
