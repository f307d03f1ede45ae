export * from "./difference-in-differences.js";
export * from "./permutation-test.js";
export * from "./program-effect.js";
export * from "./random.js";
