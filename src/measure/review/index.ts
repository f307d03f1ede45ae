export * from "./monthly-review.js";
export * from "./review-csv.js";
