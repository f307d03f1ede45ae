import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Azurite's fixed, public development account (the same in every Azurite). */
const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface RunningAzurite {
  connectionString: string;
  tableUrl: string;
  queueUrl: string;
  /** The Azurite process, for benchmarks that report its CPU time and memory. */
  pid: number | undefined;
  /** Where it listens, to start it again on the same address. */
  ports: { blob: number; queue: number; table: number };
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /** Keep data in this folder across restarts; without it, data lives in memory and dies with the process. */
  location?: string;
  startTimeoutMs?: number;
  /** Node options for the Azurite process itself (a benchmark profiles it with --cpu-prof). */
  nodeArgs?: string[];
  /** Fixed ports (a restart on the same address); free ones by default. */
  ports?: { blob: number; queue: number; table: number };
}

/**
 * Azurite runs under this watchdog (node -e WATCHDOG -- azurite.js flags…): when its stdin reaches end of
 * file, that is when this process has gone, even by SIGKILL, it shuts down as on SIGTERM. Without it a killed
 * app leaves Azurite running, and the next start would run a second Azurite over the same data folder.
 * stdin is unref'd so it never keeps Azurite alive on its own once its servers have closed.
 */
const WATCHDOG = [
  'process.stdin.on("end", () => process.kill(process.pid, "SIGTERM"));',
  "process.stdin.resume();",
  "process.stdin.unref();",
  "require(process.argv[1]);",
].join("\n");

function azuriteEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("azurite/package.json")), "dist", "src", "azurite.js");
}

/**
 * Starts a real Azurite (table, queue and blob services) as a child process on free loopback ports and
 * resolves once the table and queue services listen. Port 0 lets the OS pick, so a test run never
 * collides with a running `npm start`.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const args = [
    "-e",
    WATCHDOG,
    "--",
    azuriteEntry(),
    "--silent",
    "--disableTelemetry",
    // The storage SDKs may speak a newer API version than this Azurite knows; the calls we make are supported.
    "--skipApiVersionCheck",
    "--blobHost=127.0.0.1",
    "--queueHost=127.0.0.1",
    "--tableHost=127.0.0.1",
    `--blobPort=${options.ports?.blob ?? 0}`,
    `--queuePort=${options.ports?.queue ?? 0}`,
    `--tablePort=${options.ports?.table ?? 0}`,
  ];
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push("--location", options.location);
  } else {
    args.push("--inMemoryPersistence");
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], { stdio: ["pipe", "pipe", "pipe"] });
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);

  const urls = await waitForListening(child, options.startTimeoutMs ?? 30_000).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  return {
    tableUrl: urls.table,
    queueUrl: urls.queue,
    ports: { blob: portOf(urls.blob), queue: portOf(urls.queue), table: portOf(urls.table) },
    pid: child.pid,
    connectionString: [
      "DefaultEndpointsProtocol=http",
      `AccountName=${ACCOUNT}`,
      `AccountKey=${KEY}`,
      `TableEndpoint=${urls.table}/${ACCOUNT}`,
      `QueueEndpoint=${urls.queue}/${ACCOUNT}`,
      `BlobEndpoint=${urls.blob}/${ACCOUNT}`,
    ].join(";"),
    stop: () =>
      new Promise<void>((resolve) => {
        process.removeListener("exit", stopOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
      }),
  };
}

const portOf = (url: string) => Number(new URL(url).port);

function waitForListening(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ table: string; queue: string; blob: string }> {
  return new Promise((resolve, reject) => {
    const found: Record<string, string> = {};
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(
        /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/g,
      )) {
        found[(match[1] ?? "").toLowerCase()] = match[2] ?? "";
      }
      if (found.table && found.queue && found.blob) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ table: found.table, queue: found.queue, blob: found.blob });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited (code ${code}) before it was ready:\n${output}`));
    });
  });
}
