import { spawn } from "node:child_process";
import { cp, mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildInto } from "./build.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * `npm run stage [-- --out DIR]`: what gets deployed, in one folder (.deploy by default): the build
 * (dist/), package.json and the lockfile, and production dependencies only, installed with `npm ci
 * --omit=dev` (from the npm cache where it can). Run there with `npm run serve`; the Agents Toolkit
 * zip-deploys the folder to App Service as it is.
 */
export async function stage(out: string): Promise<void> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await buildInto(join(out, "dist"));
  for (const file of ["package.json", "package-lock.json", ".npmrc"]) await cp(join(root, file), join(out, file));
  await run("npm", ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], out);
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", fail);
    child.once("exit", (code) =>
      code === 0 ? done() : fail(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`)),
    );
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const outFlag = process.argv.indexOf("--out");
  const out = resolve(outFlag > 0 ? (process.argv[outFlag + 1] ?? ".deploy") : join(root, ".deploy"));
  const started = Date.now();
  stage(out).then(
    () => console.log(`staged ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (error: unknown) => {
      console.error(`staging failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
