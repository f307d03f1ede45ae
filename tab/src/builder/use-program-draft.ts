import { useState } from "react";
import type { Program } from "../../../src/domain/program.js";
import { type Api, ApiError, type ApiResult } from "../api/index.js";
import { useMutation } from "../use-mutation.js";
import { bodyOf, type Draft, draftOf, emptyDraft, isDirty } from "./draft.js";

/** What the last save, reload or status change led to, for the builder to say. */
export type BuilderNotice =
  | { kind: "saved"; text: string }
  | { kind: "conflict" }
  | { kind: "problems"; problems: string[] }
  | { kind: "error"; error: Error };

function noticeOf(error: Error): BuilderNotice {
  if (error instanceof ApiError && error.status === 409 && error.body.error === "conflict") return { kind: "conflict" };
  if (error instanceof ApiError && error.status === 422)
    return { kind: "problems", problems: error.body.problems ?? [] };
  return { kind: "error", error };
}

const clock = () => new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });

/**
 * The program being built: the draft, what was last saved (so unsaved changes are known), its ETag, and the
 * saves and status changes, each of which says what it did or why not.
 */
export function useProgramDraft(api: Api, initial: { program: Program | null; etag: string | null }, owner: string) {
  const [saved, setSaved] = useState<Draft>(() => (initial.program ? draftOf(initial.program) : emptyDraft(owner)));
  const [draft, setDraft] = useState<Draft>(saved);
  const [etag, setEtag] = useState(initial.etag);
  const change = useMutation(async (said: string, call: () => Promise<ApiResult<Program>>) => {
    const result = await call();
    const fresh = draftOf(result.data);
    setSaved(fresh);
    setDraft(fresh);
    setEtag(result.etag);
    return { said, program: result.data };
  });
  const dirty = isDirty(draft, saved);

  /** Saves the draft; the saved program, or undefined when the save was refused (the notice says why). */
  const save = async (): Promise<Program | undefined> => {
    const id = draft.id;
    const done = await change.run(id ? `Saved at ${clock()}.` : `Created at ${clock()}.`, () =>
      id ? api.programs.update(id, bodyOf(draft), etag) : api.programs.create(bodyOf(draft)),
    );
    return done?.program;
  };

  const labels = { active: "Activated", paused: "Paused", completed: "Completed" } as const;
  const transition = async (to: "active" | "paused" | "completed") => {
    const id = dirty || !draft.id ? (await save())?.id : draft.id;
    if (id) await change.run(`${labels[to]} at ${clock()}.`, () => api.programs.transition(id, to));
  };

  const reload = async () => {
    const id = draft.id;
    if (id) await change.run("Reloaded: this is the program as it is saved now.", () => api.programs.get(id));
  };

  const notice: BuilderNotice | null = change.error
    ? noticeOf(change.error)
    : change.result && !dirty
      ? { kind: "saved", text: change.result.said }
      : null;

  return {
    draft,
    update: (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch })),
    dirty,
    busy: change.busy,
    notice,
    save,
    transition,
    reload,
  };
}

export type ProgramDraft = ReturnType<typeof useProgramDraft>;
