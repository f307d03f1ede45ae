import { useCallback, useRef, useState } from "react";

export interface Mutation<A extends unknown[], T> {
  /** Runs the action; resolves to its result, or to undefined when it failed (the error is then in `error`). */
  run: (...args: A) => Promise<T | undefined>;
  busy: boolean;
  error: Error | null;
  /** The last run's result, until the next run or `reset`. */
  result: T | undefined;
  reset: () => void;
}

/**
 * A change sent to the server (save, create, import): busy while it runs, then its result or its error for the
 * view to show. The one place a failed call becomes state, beside `useLoad` for reads.
 */
export function useMutation<A extends unknown[], T>(action: (...args: A) => Promise<T>): Mutation<A, T> {
  const [state, setState] = useState<{ busy: boolean; error: Error | null; result: T | undefined }>({
    busy: false,
    error: null,
    result: undefined,
  });
  const latest = useRef(action);
  latest.current = action;
  const run = useCallback(async (...args: A) => {
    setState({ busy: true, error: null, result: undefined });
    try {
      const result = await latest.current(...args);
      setState({ busy: false, error: null, result });
      return result;
    } catch (error) {
      setState({ busy: false, error: error instanceof Error ? error : new Error(String(error)), result: undefined });
      return undefined;
    }
  }, []);
  const reset = useCallback(() => setState({ busy: false, error: null, result: undefined }), []);
  return { ...state, run, reset };
}
