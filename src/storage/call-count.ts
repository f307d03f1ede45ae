import { AsyncLocalStorage } from "node:async_hooks";
import diagnostics from "node:diagnostics_channel";

const counting = new AsyncLocalStorage<{ calls: number }>();

// Every HTTP request a storage client makes starts on this channel, in the async context of its caller.
diagnostics.subscribe("http.client.request.start", () => {
  const counter = counting.getStore();
  if (counter) counter.calls++;
});

/**
 * Runs `work` and counts the HTTP requests it makes (the storage calls of work that only talks to storage),
 * including those of anything it awaits. Cheap enough to leave on: a counter per run, nothing otherwise.
 */
export async function countingCalls<T>(work: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const counter = { calls: 0 };
  const result = await counting.run(counter, work);
  return { result, calls: counter.calls };
}
