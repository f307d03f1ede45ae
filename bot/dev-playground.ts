import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

/** A person as the playground presents them: the signed-in user or one of the five others it requires. */
export interface PlaygroundPerson {
  name: string;
  objectId: string;
}

export interface PlaygroundOptions {
  /** The bot endpoint the playground posts to, e.g. http://localhost:3978/api/messages. */
  appEndpoint: string;
  port: number;
  tenantId: string;
  /** Who is signed in: the demo manager, so the chat acts on the seeded program. */
  currentUser: PlaygroundPerson;
  /** Exactly five others (the playground's rule): the manager's team. */
  users: PlaygroundPerson[];
  /** Where its config and logs go (it writes ./devTools beside its config). */
  workDir: string;
}

export interface RunningPlayground {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The Microsoft 365 Agents Playground (a Teams-like client we did not write), configured with the
 * given tenant and people. Its UI and its mock Bot Connector share one port; nothing reaches the bot
 * until a browser opens the UI.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  if (options.users.length !== 5) throw new Error("the Agents Playground needs exactly five other users");
  await mkdir(options.workDir, { recursive: true });
  await writeFile(join(options.workDir, ".m365agentsplayground.yml"), playgroundConfig(options));
  const cli = createRequire(import.meta.url).resolve("@microsoft/m365agentsplayground/cli.js");
  const child = spawn(
    process.execPath,
    [
      cli,
      "--app-endpoint",
      options.appEndpoint,
      "--channel-id",
      "msteams",
      "--port",
      String(options.port),
      "--disable-telemetry",
    ],
    {
      cwd: options.workDir,
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: "none" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const url = `http://localhost:${options.port}`;
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitUntilServing(url, child, () => output);
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the Agents Playground exited (${child.exitCode}): ${output().slice(-500)}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGTERM");
  throw new Error(`the Agents Playground did not start within 30 s: ${output().slice(-500)}`);
}

function playgroundConfig(options: PlaygroundOptions): string {
  const user = (p: PlaygroundPerson, i: number) => {
    const [given = p.name, ...rest] = p.name.split(" ");
    const handle = p.name.toLowerCase().replace(/[^a-z]+/g, ".");
    return [
      `  - id: user-${i}`,
      `    name: ${JSON.stringify(p.name)}`,
      `    userPrincipleName: ${handle}@contoso.example`,
      `    aadObjectId: ${p.objectId}`,
      `    givenName: ${JSON.stringify(given)}`,
      `    surname: ${JSON.stringify(rest.join(" ") || given)}`,
      `    email: ${handle}@contoso.example`,
    ].join("\n");
  };
  const current = user(options.currentUser, 0)
    .replace(/^ {2}- /, "  ")
    .replace(/\n {4}/g, "\n  ");
  return [
    "version: 0.1.1",
    `tenantId: ${options.tenantId}`,
    "bot:",
    "  id: 28:throughline-dev-bot",
    "  name: Throughline",
    "currentUser:",
    current,
    "users:",
    ...options.users.map((p, i) => user(p, i + 1)),
    "personalChat:",
    "  id: personal-chat-throughline",
    "groupChat:",
    "  id: group-chat-throughline",
    "  name: Throughline pilot",
    "team:",
    "  id: team-throughline",
    "  name: Enterprise EMEA",
    "  aadGroupId: 00000000-0000-4000-8000-000000000031",
    "  channels:",
    "    - id: channel-general-throughline",
    "      name: Coaching",
    "",
  ].join("\n");
}
