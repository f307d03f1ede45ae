import { useCallback, useEffect, useState } from "react";

export type Load<T> = { state: "loading" } | { state: "error"; error: Error } | { state: "ready"; data: T };

/** Loads once per key; `reload` fetches again (after a save, or from an error state's retry button). */
export function useLoad<T>(load: () => Promise<T>, key: string): Load<T> & { reload: () => void } {
  const [result, setResult] = useState<Load<T>>({ state: "loading" });
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names what is loaded
  useEffect(() => {
    let live = true;
    setResult({ state: "loading" });
    load().then(
      (data) => live && setResult({ state: "ready", data }),
      (error: Error) => live && setResult({ state: "error", error }),
    );
    return () => {
      live = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...result, reload };
}
