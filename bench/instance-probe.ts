/**
 * Loaded into each app instance of the delivery benchmark (node --import): counts the HTTP requests the
 * instance makes to storage (tables, queues) and to the Bot Connector, and its peak memory, and answers
 * the benchmark's "probe" message with them and the planner's tick reports. It observes only; the app runs
 * unchanged.
 */
import dc from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";

const hostsOf = (connectionString: string, name: string) =>
  connectionString.match(new RegExp(`${name}=https?://([^;/]+)`, "i"))?.[1];
const connection = process.env.STORAGE_CONNECTION_STRING ?? "";
const tableHost = hostsOf(connection, "TableEndpoint");
const queueHost = hostsOf(connection, "QueueEndpoint");
const counts = { table: 0, queue: 0, connector: 0, other: 0 };
/** Storage calls by kind ("queue GET", "table PUT"...), to see which step of the loop costs what. */
const byKind: Record<string, number> = {};
let peakRss = process.memoryUsage().rss;
/** The send loop's steps (src/delivery/worker/send-delivery.ts publishes them), counted. */
const steps: Record<string, number> = {};
dc.subscribe("throughline:delivery-send-step", (message) => {
  const { step } = message as { step: string };
  steps[step] = (steps[step] ?? 0) + 1;
});
/** The planner's tick reports (src/delivery/planner-loop.ts publishes them), latest last. */
const ticks: Record<string, unknown>[] = [];
dc.subscribe("throughline:delivery-planner-tick", (report) => {
  ticks.push({ ...(report as Record<string, unknown>), at: Date.now() });
  if (ticks.length > 200) ticks.shift();
});

dc.subscribe("http.client.request.start", (message) => {
  const host = String((message as { request: ClientRequest }).request.getHeader("host") ?? "");
  const method = (message as { request: ClientRequest }).request.method;
  if (host === tableHost) {
    counts.table++;
    byKind[`table ${method}`] = (byKind[`table ${method}`] ?? 0) + 1;
  } else if (host === queueHost) {
    counts.queue++;
    byKind[`queue ${method}`] = (byKind[`queue ${method}`] ?? 0) + 1;
  } else if (host === process.env.BENCH_CONNECTOR_HOST) counts.connector++;
  else counts.other++;
});
/**
 * Stalls of this instance's event loop longer than a slot's grace (400 ms) could miss slots: counted from a
 * 100 ms timer's lateness, with their total length.
 */
const loopStalls = { over400ms: 0, totalMs: 0, longestMs: 0 };
let lastTick = performance.now();
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const now = performance.now();
  const late = now - lastTick - 100;
  lastTick = now;
  if (late > 400) {
    loopStalls.over400ms++;
    loopStalls.totalMs += Math.round(late);
    loopStalls.longestMs = Math.max(loopStalls.longestMs, Math.round(late));
  }
}, 100).unref();

process.on("message", (message) => {
  if (message === "probe") {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const { user, system } = process.cpuUsage();
    process.send?.({
      ...counts,
      byKind: { ...byKind },
      cpuMs: Math.round((user + system) / 1000),
      ticks,
      steps: { ...steps },
      loopStalls: { ...loopStalls },
      peakRssMb: Math.round(peakRss / 1048576),
    });
  }
});
