import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const tabDir = fileURLToPath(new URL(".", import.meta.url));
export const tabDistDir = fileURLToPath(new URL("../dist/tab", import.meta.url));
/** The server code the tab bundles (the rest of its imports from src/ are types only). */
const sharedSources = [fileURLToPath(new URL("../src/domain/program-defaults.ts", import.meta.url))];
const lockFile = join(dirname(tabDistDir), "tab.build-lock");
const STALE_LOCK_MS = 180_000;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  const index = join(tabDistDir, "index.html");
  const newest = Math.max(newestSource(tabDir), ...sharedSources.map((f) => statSync(f).mtimeMs));
  return existsSync(index) && statSync(index).mtimeMs >= newest;
}

/** One build at a time across processes (test files start their servers in parallel): a lock file. */
async function withBuildLock<T>(run: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(lockFile), { recursive: true });
  for (;;) {
    try {
      closeSync(openSync(lockFile, "wx"));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A build that died leaves its lock behind; one this old is not running any more.
      const since = statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > STALE_LOCK_MS) rmSync(lockFile, { force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await run();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** Builds the tab unless dist/tab is newer than every source file, so `npm start` and tests stay fast. */
export async function ensureTabBuilt(): Promise<{ built: boolean; ms: number }> {
  const started = Date.now();
  if (upToDate()) return { built: false, ms: 0 };
  return withBuildLock(async () => {
    // Another process may have built it while this one waited for the lock.
    if (upToDate()) return { built: false, ms: 0 };
    await build({ configFile: join(tabDir, "vite.config.ts") });
    return { built: true, ms: Date.now() - started };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { built, ms } = await ensureTabBuilt();
  console.log(built ? `tab built in ${(ms / 1000).toFixed(1)} s` : "tab is up to date");
}
