export * from "./compare-sides.js";
export * from "./difference-in-differences.js";
export * from "./effect-value.js";
export * from "./effect-words.js";
export * from "./permutation-test.js";
export * from "./program-effect.js";
export * from "./random.js";
export * from "./team-figures.js";
