import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import { TEST_API_KEY_PEPPER } from "../support/test-config.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const guid = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

let copy: string | undefined;
let server: ChildProcess | undefined;
afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    server.kill("SIGKILL");
    await exited;
  }
  if (copy) await rm(copy, { recursive: true, force: true });
});

/**
 * What a deployment does (npm run stage): build once, then a copy with production dependencies only (no
 * tsx, vite or TypeScript) runs `npm run serve` against storage started outside it, in production by default.
 */
describe("npm run build, then npm run serve on production dependencies", () => {
  it("serves a copy installed with npm ci --omit=dev, which answers /readyz 200 and serves the tab", async () => {
    copy = await mkdtemp(join(tmpdir(), "throughline-lean-"));
    // npm run stage: build, then npm ci --omit=dev beside it (from the npm cache that installed this repo).
    await run(process.execPath, ["--import", "tsx", "scripts/stage.ts", "--out", copy], root);
    for (const devOnly of ["tsx", "vite", "typescript", "vitest", "react", "azurite"])
      expect(existsSync(join(copy, "node_modules", devOnly)), `${devOnly} is not installed`).toBe(false);

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: "0",
      LOG_LEVEL: "warn",
      STORAGE_CONNECTION_STRING: inject("storageConnectionString"),
      BOT_ID: guid,
      BOT_PASSWORD: "a-client-secret",
      AUTH_CLIENT_ID: guid,
      API_KEY_PEPPER: TEST_API_KEY_PEPPER,
      ALLOWED_TENANT_IDS: guid,
      // The shared test storage holds other tests' tenants and queues: this instance plans and sends nothing.
      DELIVERY_WORKERS: "false",
    };
    // The serve script as the platform runs it: exec'd, so SIGTERM reaches node (npm does not wait for it).
    const { scripts } = JSON.parse(await readFile(join(copy, "package.json"), "utf8")) as {
      scripts: { serve: string };
    };
    server = spawn("sh", ["-c", `exec ${scripts.serve}`], { cwd: copy, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    for (const stream of [server.stdout, server.stderr]) stream?.on("data", (chunk: Buffer) => (output += chunk));
    const base = await bannerUrl(server);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    const tab = await fetch(`${base}/tab/`);
    expect(tab.status).toBe(200);
    expect(await tab.text()).toContain("<html");

    const exited = new Promise<number | null>((resolve) => server?.once("exit", resolve));
    server.kill("SIGTERM");
    expect(await exited, output).toBe(0);
  }, 600_000);
});

/** Waits for the start-up banner, which says the mode and the address; fails with the output if it exits. */
function bannerUrl(child: ChildProcess): Promise<string> {
  let output = "";
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Throughline is running \((\w+)\)[\s\S]*?app\s+(http:\/\/localhost:\d+)\//);
      if (!match?.[2]) return;
      if (match[1] !== "production") reject(new Error(`started in ${match[1]}, not production`));
      else resolve(match[2]);
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`)),
    );
  });
}
