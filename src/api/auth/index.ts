export * from "./authenticate.js";
export * from "./caller.js";
export * from "./dev-token-issuer.js";
export * from "./from-config.js";
export * from "./token-verifier.js";
