import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
} from "@fluentui/react-components";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useId, useRef, useState } from "react";

interface LeaveGuard {
  /** A view with unsaved changes says so, under its own key (and says when it no longer has them). */
  setUnsaved: (key: string, what: string | null) => void;
  /** Before navigating away: true when nothing is unsaved or the person chose to leave anyway. */
  confirmLeave: () => Promise<boolean>;
}

const LeaveGuardContext = createContext<LeaveGuard>({ setUnsaved: () => undefined, confirmLeave: async () => true });

/** Every view's unsaved changes, in one sentence. */
function describe(unsaved: Map<string, string>): string | null {
  const all = [...new Set(unsaved.values())];
  return all.length === 0 ? null : all.join(" ");
}

/**
 * Unsaved changes are never dropped without a word: navigating inside the tab asks first, and leaving the page
 * (reload, close) gets the browser's own warning.
 */
export function LeaveGuardProvider({ children }: { children: ReactNode }) {
  const unsaved = useRef(new Map<string, string>());
  const [asking, setAsking] = useState<{ what: string; answer: (leave: boolean) => void } | null>(null);
  const setUnsaved = useCallback((key: string, what: string | null) => {
    if (what) unsaved.current.set(key, what);
    else unsaved.current.delete(key);
  }, []);
  const confirmLeave = useCallback(
    () =>
      new Promise<boolean>((resolve) => {
        const what = describe(unsaved.current);
        if (!what) resolve(true);
        else
          setAsking({
            what,
            answer: (leave) => {
              setAsking(null);
              if (leave) unsaved.current.clear();
              resolve(leave);
            },
          });
      }),
    [],
  );
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (unsaved.current.size > 0) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, []);
  return (
    <LeaveGuardContext.Provider value={{ setUnsaved, confirmLeave }}>
      {children}
      <Dialog open={asking !== null} onOpenChange={(_e, d) => !d.open && asking?.answer(false)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Leave without saving?</DialogTitle>
            <DialogContent>{asking?.what} If you leave now, they are lost.</DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => asking?.answer(false)}>
                Keep editing
              </Button>
              <Button onClick={() => asking?.answer(true)}>Leave without saving</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </LeaveGuardContext.Provider>
  );
}

/** Registers this view's unsaved changes (described for the person) while `what` is set. */
export function useUnsavedChanges(what: string | null): void {
  const { setUnsaved } = useContext(LeaveGuardContext);
  const key = useId();
  useEffect(() => {
    setUnsaved(key, what);
  }, [key, what, setUnsaved]);
  useEffect(() => () => setUnsaved(key, null), [key, setUnsaved]);
}

export function useConfirmLeave(): () => Promise<boolean> {
  return useContext(LeaveGuardContext).confirmLeave;
}
