import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !isZombie(pid);
function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") ?? false;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe.runIf(process.platform === "linux")("the embedded Azurite", () => {
  it("stops when the process that started it is killed outright (SIGKILL runs no exit handler)", async () => {
    const owner = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        'import { startAzurite } from "./src/dev/azurite.ts"; const a = await startAzurite(); console.log("azurite", a.pid);',
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    owner.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    owner.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const started = await until(() => /azurite \d+/.test(output), 120_000);
    expect(started, output).toBe(true);
    const pid = Number(/azurite (\d+)/.exec(output)?.[1]);
    expect(alive(pid)).toBe(true);
    owner.kill("SIGKILL");
    expect(await until(() => !alive(pid), 60_000)).toBe(true);
  }, 240_000);
});
