export * from "./kpi-figures.js";
export * from "./learner-view.js";
export * from "./manager-view.js";
export * from "./program-view.js";
export * from "./programs-of.js";
export * from "./reads.js";
export * from "./team-directory.js";
export * from "./team-figures.js";
