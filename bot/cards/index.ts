export * from "./card-data.js";
export * from "./delivery-card.js";
export * from "./input-ids.js";
export * from "./labels.js";
export * from "./render-card.js";
export * from "./state-cards.js";
