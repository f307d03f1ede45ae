import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { configurationTable, DOC_FILE, tableInDoc } from "../scripts/config-docs.js";
import { envSchema } from "../src/config.js";

describe("docs/configuration.md", () => {
  it("has the table the configuration schema generates (npm run docs:config writes it)", async () => {
    const doc = await readFile(DOC_FILE, "utf8");
    const table = tableInDoc(doc);
    expect(table, "docs/configuration.md lost its table markers").toBeDefined();
    expect(table, "docs/configuration.md differs from src/config.ts: run npm run docs:config").toBe(
      configurationTable(),
    );
  });

  it("names every variable the schema reads, once", () => {
    const names = [...configurationTable().matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(names).toEqual(Object.keys(envSchema.shape));
  });
});
