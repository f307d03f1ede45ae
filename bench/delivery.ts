/**
 * npm run bench:delivery [-- --recipients 100000] [-- --unthrottled] [-- --shards 4] [-- --profile DIR]
 *
 * A real Azurite, the Bot Connector simulator and two app instances (child processes running src/main.ts
 * with the delivery workers and the leased planner on). One active program sends one card to every
 * recipient at the same slot; the benchmark writes the planned rows and messages (or, with --planner app,
 * the instances' leased planner plans them), and the instances' workers send them. Prints the figures and
 * writes them to .bench/delivery.json (or delivery-unthrottled.json with the ceiling lifted).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { mapWithConcurrency } from "../src/delivery/concurrency.js";
import { DeliveryEnqueuer } from "../src/delivery/index.js";
import { startAzurite } from "../src/dev/azurite.js";
import {
  type Conversation,
  type Delivery,
  deliveryIdFor,
  parseProgram,
  parseTeam,
  type TeamInput,
} from "../src/domain/index.js";
import { onboardTenant } from "../src/onboarding/index.js";
import {
  EntityStore,
  keys,
  MAX_ITEMS_PER_DELIVERY_MESSAGE,
  openStorage,
  storageAccount,
  TableTransaction,
  tableNames,
} from "../src/storage/index.js";
import { startBotConnectorSimulator } from "../tests/support/bot-connector-simulator.js";

const { values: args } = parseArgs({
  options: {
    recipients: { type: "string", default: "10000" },
    unthrottled: { type: "boolean", default: false },
    "fault-rate": { type: "string" },
    "lead-seconds": { type: "string" },
    lanes: { type: "string" },
    planner: { type: "string", default: "direct" },
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
const appId = randomUUID();
const appPassword = "bench-secret";

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  log(
    `${recipients} recipients, ${instances} instances, ${unthrottled ? "ceiling lifted" : `ceiling ${ceiling}/s, ${faultRate * 100}% faults`}`,
  );
  const profileArgs = args.profile ? ["--cpu-prof", `--cpu-prof-dir=${args.profile}`] : [];
  const azurite = await startAzurite({ nodeArgs: profileArgs });
  const sim = await startBotConnectorSimulator({
    appId,
    appPassword,
    perSecond: unthrottled ? 1_000_000_000 : ceiling,
    faultRate,
    seed: 42,
  });
  const children: ChildProcess[] = [];
  try {
    const storage = openStorage(
      storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }),
      { deliveryQueueShards: shards },
    );
    await storage.ensure();

    // The slot: far enough ahead for the planner to queue everyone first, so sending starts at once.
    const leadSeconds = Number(
      args["lead-seconds"] ??
        (args.planner === "direct"
          ? Math.max(60, Math.ceil(recipients / 100))
          : Math.max(60, Math.ceil(recipients / 20))),
    );
    const seeded = Date.now();
    const people = await seed(storage, azurite.connectionString, sim.serviceUrl);
    const slot = new Date(Math.ceil((Date.now() + leadSeconds * 1000) / 60_000) * 60_000);
    await seedProgram(storage, slot);
    log(`seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s; slot ${slot.toISOString()}`);

    const connectorHost = new URL(sim.serviceUrl).host;
    for (let i = 0; i < instances; i++) children.push(startInstance(i, azurite.connectionString, sim, connectorHost));
    await probeAll(children);

    // Planning. "app": the lease-holding instance plans and queues every delivery (hidden until the slot).
    // "direct" (default): the benchmark writes the same rows and messages itself, because the planner's
    // per-recipient range query is a table scan in Azurite (quadratic in rows), which would measure
    // Azurite, not the send pipeline.
    const planningStarted = Date.now();
    let planned = 0;
    if (args.planner === "direct") {
      planned = await planDirectly(storage, people, slot);
    } else {
      while (Date.now() < slot.getTime()) {
        planned = (await storage.deliveryQueue.approximateCount()) * MAX_ITEMS_PER_DELIVERY_MESSAGE;
        if (planned >= recipients) break;
        await sleep(1_000);
      }
    }
    const planningSeconds = (Date.now() - planningStarted) / 1000;
    log(
      `planned ${planned} deliveries (${args.planner}) in ${planningSeconds.toFixed(1)} s${Date.now() > slot.getTime() ? " (planning overran the slot)" : ""}`,
    );
    await sleep(Math.max(0, slot.getTime() - Date.now() - 200));
    const before = await probeAll(children);
    const azuriteCpuBefore = cpuMsOf(azurite.pid);
    const benchCpuBefore = process.cpuUsage();

    const conversationIds = people.map((p) => p.conversationId);
    const deadline = args["max-seconds"]
      ? slot.getTime() + Number(args["max-seconds"]) * 1000
      : slot.getTime() + ((unthrottled ? 2 : 3) * recipients * 1000) / ceiling + 120_000;
    let reached = 0;
    let lastLog = 0;
    while (Date.now() < deadline) {
      reached = conversationIds.reduce((n, id) => n + (sim.accepted(id) > 0 ? 1 : 0), 0);
      if (Date.now() - lastLog > 10_000) {
        log(`sent to ${reached}/${recipients}`);
        lastLog = Date.now();
      }
      if (reached >= recipients) break;
      await sleep(500);
    }
    const after = await probeAll(children);
    const azuriteCpuMs = cpuMsOf(azurite.pid) - azuriteCpuBefore;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    // Late duplicates, if any, would arrive within a claim's lifetime.
    await sleep(3_000);

    const firstAccepted = new Map<string, number>();
    for (const a of sim.activities())
      if (a.method === "POST" && !firstAccepted.has(a.conversationId)) firstAccepted.set(a.conversationId, a.at);
    const accepted = conversationIds.map((id) => sim.accepted(id));
    const sends = accepted.reduce((a, b) => a + b, 0);
    // Unsent when the run stopped: lost only if the campaign had finished, otherwise simply not sent yet.
    const unsent = accepted.filter((n) => n === 0).length;
    const finished = reached >= recipients;
    const lost = finished ? unsent : null;
    const duplicates = accepted.reduce((d, n) => d + Math.max(0, n - 1), 0);
    const times = [...firstAccepted.values()];
    const first = Math.min(...times);
    const last = Math.max(...times);
    const sendsPerSecond = sends / Math.max(0.001, (last - first) / 1000);
    const latencies = times.map((t) => t - slot.getTime()).sort((a, b) => a - b);
    // The middle 98% of the campaign: the rate without the start and the tail of late retries.
    const sorted = [...times].sort((a, b) => a - b);
    const p1 = sorted[Math.floor(sorted.length * 0.01)] ?? first;
    const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? last;
    const steadySendsPerSecond =
      (Math.floor(sorted.length * 0.99) - Math.floor(sorted.length * 0.01)) / Math.max(0.001, (p99 - p1) / 1000);
    const storageOps = after.reduce(
      (n, p, i) => n + p.table + p.queue - (before[i]?.table ?? 0) - (before[i]?.queue ?? 0),
      0,
    );
    const connectorCalls = after.map((p, i) => p.connector - (before[i]?.connector ?? 0));
    const report = await deliveryCounts(storage);

    const figures = {
      mode: unthrottled ? "unthrottled" : "throttled",
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
      tailSeconds: round((last - p99) / 1000),
      finished,
      lost,
      unsentAtDeadline: finished ? 0 : unsent,
      duplicates,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      peakRssMb: Math.max(...after.map((p) => p.peakRssMb)),
      storageOpsPerSend: round(storageOps / Math.max(1, sends), 2),
      tableOpsPerSend: round(opsOf(after, before, "table") / Math.max(1, sends), 2),
      queueOpsPerSend: round(opsOf(after, before, "queue") / Math.max(1, sends), 2),
      connectorCallsPerInstance: connectorCalls,
      // CPU time per send: what an instance would manage on a core of its own, beside what the machine shares.
      cpuMsPerSendPerInstance: after.map((p, i) =>
        round((p.cpuMs - (before[i]?.cpuMs ?? 0)) / Math.max(1, sends / instances), 2),
      ),
      azuriteCpuMsPerSend: round(azuriteCpuMs / Math.max(1, sends), 2),
      simulatorCpuMsPerSend: round((benchCpu.user + benchCpu.system) / 1000 / Math.max(1, sends), 2),
      machineCores: availableParallelism(),
      storageCallsPerSendByKind: byKindPerSend(after, before, sends),
      throttledByConnector: sim.throttled(),
      injectedFaults: sim.injectedFaults(),
      planner: args.planner,
      planningSeconds: round(planningSeconds),
      sendingSeconds: round((last - first) / 1000),
      deliveryStates: report,
    };
    console.log(JSON.stringify(figures, null, 2));
    mkdirSync(".bench", { recursive: true });
    const suffix = `${unthrottled ? "-unthrottled" : ""}${recipients === 10_000 ? "" : `-${recipients}`}`;
    writeFileSync(`.bench/delivery${suffix}.json`, `${JSON.stringify(figures, null, 2)}\n`);
    log(`wrote .bench/delivery${suffix}.json`);
  } finally {
    await Promise.all(children.map(stopInstance));
    await sim.close();
    await azurite.stop();
  }
}

/** Teams of 200 learners in UTC, all installed: conversations written 100 to a transaction. */
async function seed(storage: ReturnType<typeof openStorage>, connectionString: string, serviceUrl: string) {
  // Without a tenant row the instances' planner leaves this tenant alone (direct mode plans it here).
  if (args.planner !== "direct") await onboardTenant(storage, { tenantId, displayName: "Bench tenant" }, new Date());
  const teams: TeamInput[] = [];
  const people: Conversation[] = [];
  for (let t = 0; t * teamSize < recipients; t++) {
    const members = Array.from({ length: Math.min(teamSize, recipients - t * teamSize) }, (_, i) => ({
      objectId: randomUUID(),
      displayName: `Learner ${t}-${i}`,
      timeZone: "UTC",
      locale: "en-GB",
    }));
    teams.push({
      id: `team-${t}`,
      tenantId,
      name: `Team ${t}`,
      manager: { objectId: randomUUID(), displayName: `Manager ${t}`, timeZone: "UTC" },
      members,
    });
    for (const m of members) {
      people.push({
        tenantId,
        objectId: m.objectId,
        conversationId: `a:${m.objectId}`,
        serviceUrl,
        botId: `28:${appId}`,
        reachable: true,
        unreachableReason: null,
        pausedUntil: null,
        updatedAt: new Date().toISOString(),
      });
    }
  }
  const conversations = new EntityStore<Conversation>(
    storageAccount({ kind: "connectionString", connectionString }).table(tableNames.conversations),
    {
      what: "conversation",
      keyOf: (c) => keys.conversation(c.tenantId, c.objectId),
      columns: (c) => ({ reachable: c.reachable }),
    },
  );
  for (let i = 0; i < people.length; i += 100) {
    const transaction = new TableTransaction();
    for (const c of people.slice(i, i + 100)) transaction.createEntity(conversations.entity(c));
    await conversations.submit(transaction);
  }
  for (let i = 0; i < teams.length; i += 8)
    await Promise.all(teams.slice(i, i + 8).map((t) => storage.teams.save(parseTeam(t))));
  return people;
}

/** One active program: a nudge to every learner at the slot's minute, UTC, no quiet hours. */
async function seedProgram(storage: ReturnType<typeof openStorage>, slot: Date) {
  const today = slot.toISOString().slice(0, 10);
  const weekday = ((slot.getUTCDay() + 6) % 7) + 1;
  const now = new Date().toISOString();
  await storage.assets.save({
    id: "bench-nudge",
    tenantId,
    programId: "bench",
    kind: "nudge",
    title: "Ask one more open question",
    behaviourIds: ["open-questions"],
    content: { prompt: "In your next call, ask one more open question than usual.", style: "practice" },
    updatedAt: now,
  });
  const program = parseProgram({
    id: "bench",
    tenantId,
    name: "Bench campaign",
    status: "active",
    outcomeKpiId: "win-rate",
    window: { start: today, end: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}` },
    teams: Array.from({ length: Math.ceil(recipients / teamSize) }, (_, t) => ({ teamId: `team-${t}`, role: "pilot" })),
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
    createdAt: now,
    updatedAt: now,
  });
  await storage.programs.save(program);
}

/** The rows and messages the planner would write for this campaign: rows first, then messages of 20 with their etags. */
async function planDirectly(
  storage: ReturnType<typeof openStorage>,
  people: Conversation[],
  slot: Date,
): Promise<number> {
  const now = new Date().toISOString();
  const enqueuer = new DeliveryEnqueuer(storage.deliveryQueue, tenantId);
  let done = 0;
  await mapWithConcurrency(people, 32, async (p, index) => {
    const delivery: Delivery = {
      id: deliveryIdFor("bench", "bench-nudge", p.objectId, slot),
      tenantId,
      programId: "bench",
      assetId: "bench-nudge",
      scheduleEntryId: "campaign",
      teamId: `team-${Math.floor(index / teamSize)}`,
      recipientObjectId: p.objectId,
      recipientRole: "learner",
      slot: slot.toISOString(),
      status: "scheduled",
      attempts: 0,
      lastError: null,
      activityId: null,
      conversationId: null,
      sentAt: null,
      completedAt: null,
      updatedAt: now,
    };
    const { etag } = await storage.deliveries.create(delivery);
    await enqueuer.add({
      item: { recipientObjectId: p.objectId, deliveryId: delivery.id, planned: { delivery, etag }, conversation: p },
      dueAt: slot,
    });
    done++;
  });
  await enqueuer.flush();
  return done;
}

function startInstance(
  index: number,
  connectionString: string,
  sim: Awaited<ReturnType<typeof startBotConnectorSimulator>>,
  connectorHost: string,
): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      ...(args.profile ? ["--cpu-prof", `--cpu-prof-dir=${args.profile}`] : []),
      "--import",
      "tsx",
      "--import",
      "./bench/instance-probe.ts",
      "src/main.ts",
      "--dev",
    ],
    {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: {
        ...process.env,
        NODE_ENV: "development",
        PORT: "0",
        LOG_LEVEL: "warn",
        STORAGE_CONNECTION_STRING: connectionString,
        SEED_DEMO_DATA: "false",
        BOT_ID: appId,
        BOT_PASSWORD: appPassword,
        BOT_LOGIN_URL: sim.loginUrl,
        BOT_OPENID_METADATA_URL: sim.openIdMetadataUrl,
        ALLOWED_TENANT_IDS: tenantId,
        DELIVERY_WORKERS: "true",
        DELIVERY_PLANNER_INTERVAL_SECONDS: "3600",
        DELIVERY_HORIZON_HOURS: "1",
        DELIVERY_TENANT_PER_SECOND: String(unthrottled ? 1_000_000 : ceiling),
        DELIVERY_QUEUE_SHARDS: String(shards),
        DELIVERY_WORKER_LANES: args.lanes ?? (unthrottled ? "4" : "2"),
        BENCH_CONNECTOR_HOST: connectorHost,
        BENCH_INSTANCE: String(index),
      },
    },
  );
  return child;
}

interface Probe {
  table: number;
  queue: number;
  connector: number;
  byKind: Record<string, number>;
  cpuMs: number;
  peakRssMb: number;
}

function probeAll(children: ChildProcess[]): Promise<Probe[]> {
  return Promise.all(
    children.map(
      (child) =>
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
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

async function deliveryCounts(storage: ReturnType<typeof openStorage>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let continuationToken: string | undefined;
  do {
    const page = await storage.deliveries.forProgram(tenantId, "bench", { pageSize: 1000, continuationToken });
    for (const { value } of page.items as { value: Delivery }[]) counts[value.status] = (counts[value.status] ?? 0) + 1;
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return counts;
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
