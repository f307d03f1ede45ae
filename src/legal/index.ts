export * from "./legal-pages.js";
