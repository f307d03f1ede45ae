/**
 * npm run bench:delivery [-- --recipients 100000] [-- --unthrottled] [-- --fault-rate 0.01] [-- --shards 4]
 *
 * The delivery pipeline on its real path, as a customer meets it: a real Azurite, the Bot Connector and Entra
 * simulators, and two app instances (child processes running src/main.ts in production mode, with the
 * delivery workers and the planner on). The admin API creates the KPI, the teams and the program; every
 * person installs the bot through the bot endpoint (a signed conversationUpdate, as Teams sends on install);
 * the admin activates the program, and the instances' planner plans one card to everyone at one slot, which
 * their workers send within the tenant's Teams budget, the simulator enforcing Teams' limits (and injecting
 * faults). Nothing is written to storage but through the app; the benchmark only reads it to check.
 * Writes .bench/delivery.json (delivery-unthrottled.json with the ceiling lifted; -100000 for that size).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { mapWithConcurrency } from "../src/concurrency.js";
import { POSSIBLE_DUPLICATE } from "../src/delivery/index.js";
import { startAzurite } from "../src/dev/azurite.js";
import { openStorage, storageAccount } from "../src/storage/index.js";
import { startBotConnectorSimulator } from "../tests/support/bot-connector-simulator.js";
import { startEntraSimulator } from "../tests/support/entra-simulator.js";

const { values: args } = parseArgs({
  options: {
    recipients: { type: "string", default: "10000" },
    unthrottled: { type: "boolean", default: false },
    "fault-rate": { type: "string" },
    "lead-seconds": { type: "string" },
    lanes: { type: "string" },
    shards: { type: "string", default: "4" },
    profile: { type: "string" },
    "max-seconds": { type: "string" },
  },
});
const recipients = Number(args.recipients);
const unthrottled = args.unthrottled;
const ceiling = 50;
const faultRate = Number(args["fault-rate"] ?? (unthrottled ? 0 : 0.01));
const instances = 2;
const shards = Number(args.shards);
const teamSize = 200;
const tenantId = randomUUID();
const admin = randomUUID();
const appId = randomUUID();
const appPassword = "bench-secret";
/** Planner ticks in the benchmark: often enough to see a nothing-changed tick soon after the campaign. */
const plannerIntervalSeconds = 15;

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const load = () => loadavg().map((n) => Math.round(n * 100) / 100);

interface Instance {
  child: ChildProcess;
  base: string;
}

async function main(): Promise<void> {
  log(
    `${recipients} recipients, ${instances} instances, ${unthrottled ? "ceiling lifted" : `ceiling ${ceiling}/s, ${faultRate * 100}% faults`}; load ${load().join(" ")}`,
  );
  const loads = [load()[0] ?? 0];
  const sampling = setInterval(() => loads.push(load()[0] ?? 0), 15_000);
  const profileArgs = args.profile ? ["--cpu-prof", `--cpu-prof-dir=${args.profile}`] : [];
  const azurite = await startAzurite({ nodeArgs: profileArgs });
  const sim = await startBotConnectorSimulator({
    appId,
    appPassword,
    perSecond: unthrottled ? 1_000_000_000 : ceiling,
    faultRate,
    seed: 42,
  });
  const entra = await startEntraSimulator();
  const running: Instance[] = [];
  try {
    const storage = openStorage(
      storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }),
      { deliveryQueueShards: shards },
    );
    const connectorHost = new URL(sim.serviceUrl).host;
    for (let i = 0; i < instances; i++)
      running.push(await startInstance(i, azurite.connectionString, sim, entra, connectorHost));
    const token = await entra.token({ tenantId, objectId: admin, name: "Bench Admin", roles: ["Admin"] });
    const api = apiOf(running, token);

    // Onboarding through the admin API: the outcome KPI, then the teams (200 learners each, in UTC).
    const onboarding = Date.now();
    await api(0, "POST", "/api/v1/kpis", kpi());
    const teams = Array.from({ length: Math.ceil(recipients / teamSize) }, (_, t) => team(t));
    await mapWithConcurrency(teams, 8, (t, i) => api(i, "PUT", `/api/v1/teams/${t.id}`, t));
    const onboardingSeconds = (Date.now() - onboarding) / 1000;
    log(`onboarded ${teams.length} teams in ${onboardingSeconds.toFixed(1)} s`);

    // Every learner installs the bot: the event Teams sends its bot on install, signed by the channel.
    const people = teams.flatMap((t) => t.members.map((m) => m.objectId));
    const installing = Date.now();
    const beforeInstalls = await probeAll(running);
    const channelToken = await sim.channelToken();
    let installed = 0;
    await mapWithConcurrency(people, 32, async (objectId, i) => {
      await installFor(running[i % instances] as Instance, channelToken, sim.serviceUrl, objectId);
      if (++installed % 10_000 === 0) log(`installed ${installed}`);
    });
    const installSeconds = (Date.now() - installing) / 1000;
    const afterInstalls = await probeAll(running);
    const perInstall = (of: (p: Probe) => number) =>
      round(afterInstalls.reduce((n, p, i) => n + of(p) - of(beforeInstalls[i] as Probe), 0) / people.length, 2);
    const installCost = { cpuMs: perInstall((p) => p.cpuMs), storageCalls: perInstall((p) => p.table + p.queue) };
    log(`${people.length} installs in ${installSeconds.toFixed(1)} s`);

    // The program, one card to every learner at one slot, far enough ahead to plan everyone first.
    const leadSeconds = Number(args["lead-seconds"] ?? Math.max(90, Math.ceil(recipients / 150)));
    const slot = new Date(Math.ceil((Date.now() + leadSeconds * 1000) / 60_000) * 60_000);
    await api(0, "POST", "/api/v1/programs", program(slot, teams.length));
    await api(0, "POST", "/api/v1/programs/bench/assets", nudge());
    const activatedAt = Date.now();
    await api(1, "POST", "/api/v1/programs/bench/transition", { to: "active" });
    log(`program active; slot ${slot.toISOString()}`);

    // Planning: the instance holding the tenant plans everyone's next 24 h in one tick, and reports it.
    let planningTick: TickReport | undefined;
    while (!planningTick && Date.now() < slot.getTime() + 900_000) {
      await sleep(1_000);
      planningTick = (await probeAll(running))
        .flatMap((p) => p.ticks)
        // A tick that lost the tenant half-way is redone by the next, which finds the rows written and queues
        // them again (requeued): the campaign is planned once a tick has written or queued it.
        .find((t) => t.tenantId === tenantId && t.planned + t.requeued > 0);
    }
    const plannerSeconds = planningTick ? planningTick.ms / 1000 : null;
    const plannedAt = planningTick?.at;
    log(
      `planned ${planningTick?.planned ?? 0} deliveries (${planningTick?.requeued ?? 0} found written by an earlier tick) in a ${plannerSeconds?.toFixed(1)} s tick, ${(((plannedAt ?? Date.now()) - activatedAt) / 1000).toFixed(1)} s after activation${(plannedAt ?? Infinity) > slot.getTime() ? " (planning overran the slot)" : ""}`,
    );

    await sleep(Math.max(0, slot.getTime() - Date.now() - 200));
    const before = await probeAll(running);
    const azuriteCpuBefore = cpuMsOf(azurite.pid);
    const benchCpuBefore = process.cpuUsage();
    const throttledBefore = sim.throttled();
    const faultsBefore = sim.injectedFaults();

    const conversationIds = people.map((p) => `a:${p}`);
    const deadline = args["max-seconds"]
      ? slot.getTime() + Number(args["max-seconds"]) * 1000
      : slot.getTime() + ((unthrottled ? 2 : 3) * recipients * 1000) / ceiling + 120_000;
    let reached = 0;
    let lastLog = 0;
    while (Date.now() < deadline) {
      reached = conversationIds.reduce((n, id) => n + (sim.accepted(id) > 0 ? 1 : 0), 0);
      if (Date.now() - lastLog > 30_000) {
        log(`sent to ${reached}/${recipients}; load ${load()[0]}`);
        lastLog = Date.now();
      }
      if (reached >= recipients) break;
      await sleep(500);
    }
    const after = await probeAll(running);
    const azuriteCpuMs = cpuMsOf(azurite.pid) - azuriteCpuBefore;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    // Late duplicates, if any, would arrive within a claim's lifetime; and a nothing-changed tick is due.
    await sleep(2 * plannerIntervalSeconds * 1000 + 12_000);
    // Ticks after the campaign with nothing to plan: those that only cleared earlier ticks' change marks (a bulk
    // install's, 2,000 a tick, ten minutes after) are told apart from those that did nothing at all.
    const idle = (await probeAll(running))
      .flatMap((p) => p.ticks)
      .filter(
        (t) => t.tenantId === tenantId && t.planned === 0 && t.changes === 0 && !t.reloaded && t.at > deadlineOr(after),
      );
    const quiet = idle.filter((t) => t.cleared === 0).map((t) => t.storageCalls);
    const clearing = idle.filter((t) => t.cleared > 0);

    const firstAccepted = new Map<string, number>();
    for (const a of sim.activities())
      if (a.method === "POST" && !firstAccepted.has(a.conversationId)) firstAccepted.set(a.conversationId, a.at);
    const accepted = conversationIds.map((id) => sim.accepted(id));
    const sends = accepted.reduce((a, b) => a + b, 0);
    const unsent = accepted.filter((n) => n === 0).length;
    const finished = reached >= recipients;
    const duplicates = accepted.reduce((d, n) => d + Math.max(0, n - 1), 0);
    const times = [...firstAccepted.values()].sort((a, b) => a - b);
    const first = times[0] ?? 0;
    const last = times.at(-1) ?? 0;
    const sendsPerSecond = sends / Math.max(0.001, (last - first) / 1000);
    const latencies = times.map((t) => t - slot.getTime()).sort((a, b) => a - b);
    const p1 = times[Math.floor(times.length * 0.01)] ?? first;
    const p99 = times[Math.floor(times.length * 0.99)] ?? last;
    const steadySendsPerSecond =
      (Math.floor(times.length * 0.99) - Math.floor(times.length * 0.01)) / Math.max(0.001, (p99 - p1) / 1000);
    const storageOps = after.reduce(
      (n, p, i) => n + p.table + p.queue - (before[i]?.table ?? 0) - (before[i]?.queue ?? 0),
      0,
    );
    const rows = await deliveryRows(storage);

    const figures = {
      mode: unthrottled ? "unthrottled" : "throttled",
      path: "real: admin API onboarding, installs through the bot endpoint, the instances' planner and workers",
      recipients,
      instances,
      queueShards: shards,
      ceilingPerSecond: unthrottled ? null : ceiling,
      faultRate,
      sendsPerSecond: round(sendsPerSecond),
      sendsPerSecondPerInstance: round(sendsPerSecond / instances),
      ceilingRatio: unthrottled ? null : round(sendsPerSecond / ceiling, 3),
      steadySendsPerSecond: round(steadySendsPerSecond),
      steadyCeilingRatio: unthrottled ? null : round(steadySendsPerSecond / ceiling, 3),
      busiestSeconds: sim.busiestSeconds(3).map(([, n]) => n),
      tailSeconds: round((last - p99) / 1000),
      finished,
      lost: finished ? unsent : null,
      unsentAtDeadline: finished ? 0 : unsent,
      duplicates,
      possibleDuplicatesFlagged: rows.flagged,
      appCaused429: sim.throttled() - throttledBefore,
      injectedFaults: sim.injectedFaults() - faultsBefore,
      plannerSeconds: plannerSeconds === null ? null : round(plannerSeconds),
      plannedInTick: planningTick?.planned ?? 0,
      requeuedInTick: planningTick?.requeued ?? 0,
      planningTickStorageCalls: planningTick?.storageCalls ?? null,
      planningLatencySeconds: plannedAt ? round((plannedAt - activatedAt) / 1000) : null,
      nothingChangedTickStorageCalls: quiet.length > 0 ? Math.max(...quiet) : null,
      clearingTicks: clearing.length,
      clearingTickStorageCalls: clearing.length > 0 ? Math.max(...clearing.map((t) => t.storageCalls)) : null,
      marksClearedPerClearingTick: clearing.length > 0 ? Math.max(...clearing.map((t) => t.cleared)) : null,
      onboardingSeconds: round(onboardingSeconds),
      installSeconds: round(installSeconds),
      perInstall: installCost,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      peakRssMb: Math.max(...after.map((p) => p.peakRssMb)),
      storageOpsPerSend: round(storageOps / Math.max(1, sends), 2),
      tableOpsPerSend: round(opsOf(after, before, "table") / Math.max(1, sends), 2),
      queueOpsPerSend: round(opsOf(after, before, "queue") / Math.max(1, sends), 2),
      connectorCallsPerInstance: after.map((p, i) => p.connector - (before[i]?.connector ?? 0)),
      cpuMsPerSendPerInstance: after.map((p, i) =>
        round((p.cpuMs - (before[i]?.cpuMs ?? 0)) / Math.max(1, sends / instances), 2),
      ),
      azuriteCpuMsPerSend: round(azuriteCpuMs / Math.max(1, sends), 2),
      simulatorCpuMsPerSend: round((benchCpu.user + benchCpu.system) / 1000 / Math.max(1, sends), 2),
      storageCallsPerSendByKind: byKindPerSend(after, before, sends),
      sendSteps: stepsOf(after, before),
      // Event-loop stalls past a slot's grace in each instance while sending: slots they could have missed.
      loopStallsPerInstance: after.map((p, i) => ({
        over400ms: p.loopStalls.over400ms - (before[i]?.loopStalls.over400ms ?? 0),
        totalMs: p.loopStalls.totalMs - (before[i]?.loopStalls.totalMs ?? 0),
        longestMsSinceStart: p.loopStalls.longestMs,
      })),
      sendingSeconds: round((last - first) / 1000),
      deliveryStates: rows.states,
      machineCores: availableParallelism(),
      loadAverage1m: { start: loads[0], max: Math.max(...loads), end: load()[0] },
    };
    console.log(JSON.stringify(figures, null, 2));
    mkdirSync(".bench", { recursive: true });
    const suffix = `${unthrottled ? "-unthrottled" : ""}${recipients === 10_000 ? "" : `-${recipients}`}`;
    writeFileSync(`.bench/delivery${suffix}.json`, `${JSON.stringify(figures, null, 2)}\n`);
    log(`wrote .bench/delivery${suffix}.json`);
  } finally {
    clearInterval(sampling);
    await Promise.all(running.map(({ child }) => stopInstance(child)));
    await entra.stop();
    await sim.close();
    await azurite.stop();
  }
}

function deadlineOr(probes: Probe[]): number {
  return Math.max(0, ...probes.flatMap((p) => p.ticks.map((t) => t.at)));
}

/** An admin API client that spreads calls over the instances (any instance serves any request). */
function apiOf(running: Instance[], token: string) {
  return async (i: number, method: string, path: string, body?: unknown): Promise<unknown> => {
    const { base } = running[i % running.length] as Instance;
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.ok) return text ? JSON.parse(text) : undefined;
      // A loaded machine: storage may answer 503 (timeouts); anything else is a bench bug.
      if (response.status !== 503 || attempt >= 5) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      await sleep(1_000);
    }
  };
}

/** The conversationUpdate Teams sends a bot when a person installs it in personal scope. */
async function installFor(instance: Instance, token: string, serviceUrl: string, objectId: string): Promise<void> {
  const activity = {
    type: "conversationUpdate",
    id: randomUUID(),
    channelId: "msteams",
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `29:${objectId}`, aadObjectId: objectId },
    recipient: { id: `28:${appId}`, name: "Throughline" },
    conversation: { id: `a:${objectId}`, conversationType: "personal", tenantId },
    channelData: { tenant: { id: tenantId } },
    membersAdded: [{ id: `28:${appId}` }],
  };
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${instance.base}/api/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(activity),
    });
    await response.arrayBuffer();
    if (response.ok) return;
    if (attempt >= 5) throw new Error(`install: ${response.status}`);
    await sleep(1_000);
  }
}

function kpi() {
  return {
    id: "win-rate",
    name: "Win rate",
    unit: "%",
    direction: "higher_is_better",
    baseline: { value: 28, date: "2026-07-01" },
    target: { value: 34, date: "2027-06-30" },
    level: "team",
    source: "csv",
  };
}

function team(t: number) {
  const members = Array.from({ length: Math.min(teamSize, recipients - t * teamSize) }, (_, i) => ({
    objectId: randomUUID(),
    displayName: `Learner ${t}-${i}`,
    timeZone: "UTC",
    locale: "en-GB",
  }));
  return {
    id: `team-${t}`,
    name: `Team ${t}`,
    manager: { objectId: randomUUID(), displayName: `Manager ${t}`, timeZone: "UTC" },
    members,
  };
}

/** One program: a nudge to every learner at the slot's minute, UTC, no quiet hours. */
function program(slot: Date, teams: number) {
  const today = slot.toISOString().slice(0, 10);
  const weekday = ((slot.getUTCDay() + 6) % 7) + 1;
  return {
    id: "bench",
    name: "Bench campaign",
    outcomeKpiId: "win-rate",
    window: { start: today, end: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}` },
    teams: Array.from({ length: teams }, (_, t) => ({ teamId: `team-${t}`, role: "pilot" })),
    chain: {
      skills: [{ id: "discovery", name: "Discovery" }],
      behaviours: [
        {
          id: "open-questions",
          name: "Open questions",
          skillIds: ["discovery"],
          rubric: { levels: ["No", "Yes"] },
          kpiIds: ["win-rate"],
        },
      ],
    },
    schedule: {
      entries: [
        {
          id: "campaign",
          assetId: "bench-nudge",
          audience: "learners",
          cadence: { kind: "weekly", weekdays: [weekday] },
          localTime: slot.toISOString().slice(11, 16),
        },
      ],
      quietHours: null,
      maxPerPersonPerDay: 3,
    },
  };
}

function nudge() {
  return {
    id: "bench-nudge",
    kind: "nudge",
    title: "Ask one more open question",
    behaviourIds: ["open-questions"],
    content: { prompt: "In your next call, ask one more open question than usual.", style: "practice" },
  };
}

async function startInstance(
  index: number,
  connectionString: string,
  sim: Awaited<ReturnType<typeof startBotConnectorSimulator>>,
  entra: Awaited<ReturnType<typeof startEntraSimulator>>,
  connectorHost: string,
): Promise<Instance> {
  const child = spawn(
    process.execPath,
    [
      ...(args.profile ? ["--cpu-prof", `--cpu-prof-dir=${args.profile}`] : []),
      "--import",
      "tsx",
      "--import",
      "./bench/instance-probe.ts",
      "src/main.ts",
    ],
    {
      stdio: ["ignore", "pipe", "inherit", "ipc"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: "0",
        LOG_LEVEL: "warn",
        STORAGE_CONNECTION_STRING: connectionString,
        API_KEY_PEPPER: "bench-pepper-0123456789abcdef0123456789",
        AUTH_CLIENT_ID: entra.clientId,
        AUTH_APP_ID_URI: entra.appIdUri,
        AUTH_JWKS_URL: entra.jwksUrl,
        BOT_ID: appId,
        BOT_PASSWORD: appPassword,
        BOT_LOGIN_URL: sim.loginUrl,
        BOT_OPENID_METADATA_URL: sim.openIdMetadataUrl,
        ALLOWED_TENANT_IDS: tenantId,
        DELIVERY_WORKERS: "true",
        DELIVERY_PLANNER_INTERVAL_SECONDS: String(plannerIntervalSeconds),
        DELIVERY_HORIZON_HOURS: "24",
        DELIVERY_TENANT_PER_SECOND: String(unthrottled ? 1_000_000 : ceiling),
        DELIVERY_QUEUE_SHARDS: String(shards),
        DELIVERY_WORKER_LANES: args.lanes ?? (unthrottled ? "4" : "2"),
        BENCH_CONNECTOR_HOST: connectorHost,
        BENCH_INSTANCE: String(index),
      },
    },
  );
  const base = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      const port = output.match(/ {2}app {8}http:\/\/localhost:(\d+)\//)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
      // Warnings and errors of the instance (JSON log lines) go on to the benchmark's output.
      for (const line of text.split("\n"))
        if (line.startsWith("{")) process.stderr.write(`[instance ${index}] ${line}\n`);
    });
    child.once("exit", (code) => reject(new Error(`instance ${index} exited (${code}) before listening:\n${output}`)));
  });
  return { child, base };
}

interface TickReport {
  tenantId: string;
  planned: number;
  requeued: number;
  changes: number;
  reloaded: boolean;
  cleared: number;
  ms: number;
  storageCalls: number;
  at: number;
}

interface Probe {
  table: number;
  queue: number;
  connector: number;
  byKind: Record<string, number>;
  cpuMs: number;
  peakRssMb: number;
  ticks: TickReport[];
  steps: Record<string, number>;
  loopStalls: { over400ms: number; totalMs: number; longestMs: number };
}

function probeAll(running: Instance[]): Promise<Probe[]> {
  return Promise.all(
    running.map(
      ({ child }) =>
        new Promise<Probe>((resolve) => {
          child.once("message", (m) => resolve(m as Probe));
          child.send("probe");
        }),
    ),
  );
}

async function stopInstance(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(30_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** The program's deliveries by state, and how many are flagged as possible duplicates. */
async function deliveryRows(storage: ReturnType<typeof openStorage>) {
  const states: Record<string, number> = {};
  let flagged = 0;
  for await (const { value } of storage.deliveries.eachOfProgram(tenantId, "bench")) {
    states[value.status] = (states[value.status] ?? 0) + 1;
    if (value.lastError === POSSIBLE_DUPLICATE) flagged++;
  }
  return { states, flagged };
}

/** The send loop's steps during the campaign, both instances together. */
function stepsOf(after: Probe[], before: Probe[]): Record<string, number> {
  const totals: Record<string, number> = {};
  after.forEach((p, i) => {
    for (const [name, n] of Object.entries(p.steps))
      totals[name] = (totals[name] ?? 0) + n - (before[i]?.steps[name] ?? 0);
  });
  return totals;
}

function byKindPerSend(after: Probe[], before: Probe[], sends: number): Record<string, number> {
  const totals: Record<string, number> = {};
  after.forEach((p, i) => {
    for (const [kind, n] of Object.entries(p.byKind))
      totals[kind] = (totals[kind] ?? 0) + n - (before[i]?.byKind[kind] ?? 0);
  });
  return Object.fromEntries(Object.entries(totals).map(([kind, n]) => [kind, round(n / Math.max(1, sends), 2)]));
}

/** A process's CPU time (user + system) from /proc, in ms; 0 where /proc is not there. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

function opsOf(after: Probe[], before: Probe[], kind: "table" | "queue"): number {
  return after.reduce((n, p, i) => n + p[kind] - (before[i]?.[kind] ?? 0), 0);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
