import { mkdir, writeFile } from "node:fs/promises";
import { ConfigError, loadConfig } from "../src/config.js";
import { buildManifest, packageProblems, zipAppPackage } from "./app-package.js";

/** `npm run package`: fills appPackage/manifest.json from config, validates it offline, writes the zip. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, { dev: process.env.NODE_ENV !== "production" });
  const manifest = await buildManifest(config);
  const problems = await packageProblems(manifest);
  if (problems.length > 0) {
    console.error(`The app package is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(1);
  }
  const outDir = new URL("../dist/appPackage/", import.meta.url);
  await mkdir(outDir, { recursive: true });
  const file = new URL(`throughline-${config.env}.zip`, outDir);
  await writeFile(file, await zipAppPackage(manifest));
  console.log(`App package written: ${file.pathname}`);
  if (!config.bot.appId)
    console.log("  note: BOT_ID is not set, so the bot id is a placeholder; set BOT_ID before uploading to Teams.");
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `packaging failed: ${(error as Error).message}`);
  process.exit(1);
});
