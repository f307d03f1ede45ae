export { ProgramBuilderPage } from "./builder-page.js";
