import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const tabDir = fileURLToPath(new URL(".", import.meta.url));
export const tabDistDir = fileURLToPath(new URL("../dist/tab", import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the tab unless dist/tab is newer than every source file, so `npm start` and tests stay fast. */
export async function ensureTabBuilt(): Promise<{ built: boolean; ms: number }> {
  const started = Date.now();
  const index = join(tabDistDir, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource(tabDir)) return { built: false, ms: 0 };
  await build({ configFile: join(tabDir, "vite.config.ts") });
  return { built: true, ms: Date.now() - started };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { built, ms } = await ensureTabBuilt();
  console.log(built ? `tab built in ${(ms / 1000).toFixed(1)} s` : "tab is up to date");
}
