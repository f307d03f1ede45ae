import type { TestProject } from "vitest/node";
import { startAzurite } from "../../src/dev/azurite.js";

declare module "vitest" {
  export interface ProvidedContext {
    storageConnectionString: string;
  }
}

/** Starts one in-memory Azurite on free ports for the run; a running `npm start` is never touched. */
export default async function setup(project: TestProject) {
  const azurite = await startAzurite();
  project.provide("storageConnectionString", azurite.connectionString);
  return async () => {
    await azurite.stop();
  };
}
