import { spawn } from "node:child_process";
import { cp, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * `npm run build`: the server compiled by tsc into dist/server (src/ and bot/ as they are laid out, with
 * the card templates they read at run time) and the tab bundled by vite into dist/tab. `npm run serve`
 * runs dist/ on production dependencies alone. `--out DIR` builds elsewhere.
 */
export async function buildInto(out: string): Promise<void> {
  await rm(join(out, "server"), { recursive: true, force: true });
  await compileServer(join(out, "server"));
  await copyCardTemplates(join(out, "server"));
  await build({
    configFile: join(root, "tab", "vite.config.ts"),
    build: { outDir: join(out, "tab"), emptyOutDir: true },
  });
}

function compileServer(outDir: string): Promise<void> {
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", outDir], {
      cwd: root,
      stdio: "inherit",
    });
    child.once("error", fail);
    child.once("exit", (code) => (code === 0 ? done() : fail(new Error(`tsc exited with ${code}`))));
  });
}

/** The renderer reads its Adaptive Card templates beside itself; tsc copies only what is imported. */
async function copyCardTemplates(serverDir: string): Promise<void> {
  const from = join(root, "bot", "cards", "templates");
  for (const name of await readdir(from)) {
    if (name.endsWith(".json")) await cp(join(from, name), join(serverDir, "bot", "cards", "templates", name));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const outFlag = process.argv.indexOf("--out");
  const out = resolve(outFlag > 0 ? (process.argv[outFlag + 1] ?? "dist") : join(root, "dist"));
  const started = Date.now();
  buildInto(out).then(
    () => console.log(`built ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (error: unknown) => {
      console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
