import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** The README's run command, end to end: a real process that starts its own Azurite and serves. */
describe("npm start", () => {
  it("brings the app up on an embedded Azurite with the demo data, and stops cleanly", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--dev"], {
      env: {
        ...process.env,
        PORT: "0",
        AZURITE_PERSISTENCE: "memory",
        LOG_LEVEL: "warn",
        NODE_ENV: "development",
        PLAYGROUND: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = output.match(/app\s+(http:\/\/localhost:\d+)\//);
          if (match?.[1]) {
            clearInterval(timer);
            resolve(match[1]);
          }
        }, 50);
        child.once("exit", (code) => {
          clearInterval(timer);
          reject(new Error(`exited ${code}: ${output}`));
        });
      });
      expect(output).toContain('"Discovery that wins"');
      expect(output).toContain("seeded now");
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    expect(child.exitCode).toBe(0);
  }, 240_000);

  it("refuses to start with a bad setting, naming it on one line", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--dev"], {
      env: { ...process.env, PORT: "not-a-port" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('config: PORT: must be a number (got "not-a-port")');
  }, 120_000);
});
