import type { Asset, AssetKind, AssetOf } from "../../../src/domain/asset.js";
import { audienceOf } from "../../../src/domain/program-defaults.js";
import type { AssetBody } from "../api/index.js";

/** Each kind as the builder offers it, with who receives it (the domain decides: audienceOf). */
export const kindLabels: Record<AssetKind, string> = {
  micro_challenge: "Micro-challenge",
  talk_track: "Talk track",
  conversation_guide: "Conversation guide",
  observation_checklist: "Observation checklist",
  nudge: "Practice nudge",
  skills_check: "Skills check",
};

export const assetKinds = Object.keys(kindLabels) as AssetKind[];

export function kindOption(kind: AssetKind): string {
  return `${kindLabels[kind]} (${audienceOf(kind)})`;
}

export type Content<K extends AssetKind> = AssetOf<K>["content"];

/** An asset being written: a new one, or a saved one (its id and ETag) being changed. */
export type AssetDraft = {
  [K in AssetKind]: {
    kind: K;
    title: string;
    behaviourIds: string[];
    content: Content<K>;
    id?: string;
    etag?: string | null;
  };
}[AssetKind];

/** Blank content of each kind, in the domain's own shape (a skills check starts with one two-option question). */
const blankContent: { [K in AssetKind]: () => Content<K> } = {
  micro_challenge: () => ({ task: "", reflectionPrompt: "" }),
  talk_track: () => ({ intro: "", steps: [""] }),
  conversation_guide: () => ({ opening: "", questions: [""], closing: "" }),
  observation_checklist: () => ({ instructions: "" }),
  nudge: () => ({ prompt: "", style: "practice" }),
  skills_check: () => ({ questions: [newQuestion([])] }),
};

export function emptyContent<K extends AssetKind>(kind: K): Content<K> {
  return (blankContent[kind] as () => Content<K>)();
}

export function newAssetDraft(kind: AssetKind, behaviourIds: string[]): AssetDraft {
  return { kind, title: "", behaviourIds, content: emptyContent(kind) } as AssetDraft;
}

/** A different kind keeps the title and behaviours and starts its own content. */
export function withKind(draft: AssetDraft, kind: AssetKind): AssetDraft {
  return { ...newAssetDraft(kind, draft.behaviourIds), title: draft.title };
}

export function draftOfAsset(asset: Asset, etag: string | null): AssetDraft {
  return { ...asset, id: asset.id, etag } as AssetDraft;
}

/** What the API stores of an asset: kind, title, behaviours, content; empty list lines are left out. */
export function bodyOfAsset(draft: AssetDraft): AssetBody {
  const lines = (list: string[]) => list.map((l) => l.trim()).filter((l) => l !== "");
  const base = { title: draft.title, behaviourIds: draft.behaviourIds };
  switch (draft.kind) {
    case "talk_track":
      return { ...base, kind: draft.kind, content: { ...draft.content, steps: lines(draft.content.steps) } };
    case "conversation_guide":
      return { ...base, kind: draft.kind, content: { ...draft.content, questions: lines(draft.content.questions) } };
    case "skills_check":
      return {
        ...base,
        kind: draft.kind,
        content: {
          questions: draft.content.questions.map((q) => ({
            ...q,
            options: q.options.map((o) => o.trim()),
          })),
        },
      };
    default:
      return { ...base, kind: draft.kind, content: draft.content } as AssetBody;
  }
}

type Question = Content<"skills_check">["questions"][number];

/** A new question with an id no other question of the check has. */
export function newQuestion(existing: readonly Question[]): Question {
  const taken = new Set(existing.map((q) => q.id));
  let n = existing.length + 1;
  while (taken.has(`q${n}`)) n++;
  return { id: `q${n}`, text: "", options: ["", ""], correctIndex: 0 };
}

/** Removing an option keeps the correct answer on the same option, or on the first when it was the one removed. */
export function withoutOption(question: Question, index: number): Question {
  const options = question.options.filter((_, i) => i !== index);
  const correctIndex =
    question.correctIndex === index
      ? 0
      : question.correctIndex > index
        ? question.correctIndex - 1
        : question.correctIndex;
  return { ...question, options, correctIndex };
}
