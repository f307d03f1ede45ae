import { Field, Input, Radio, RadioGroup, Textarea } from "@fluentui/react-components";
import type { AssetKind } from "../../../src/domain/asset.js";
import { ruleAt } from "../issues.js";
import { useLayout } from "../layout.js";
import type { AssetDraft, Content } from "./asset-draft.js";
import { LineListEditor } from "./line-list-editor.js";
import { SkillsCheckEditor } from "./skills-check-editor.js";

/** An editor for one kind's content, in the domain's shape; `issues` holds the server's rules by field. */
export interface ContentEditorProps<K extends AssetKind> {
  content: Content<K>;
  change: (content: Content<K>) => void;
  issues: Map<string, string>;
}

/** The editor that fits the draft's kind. */
export function ContentEditor({
  draft,
  change,
  issues,
}: {
  draft: AssetDraft;
  change: (draft: AssetDraft) => void;
  issues: Map<string, string>;
}) {
  // Each branch narrows the draft to its kind, so each editor gets and gives back that kind's content.
  switch (draft.kind) {
    case "micro_challenge":
      return (
        <ChallengeEditor content={draft.content} change={(c) => change({ ...draft, content: c })} issues={issues} />
      );
    case "talk_track":
      return (
        <TalkTrackEditor content={draft.content} change={(c) => change({ ...draft, content: c })} issues={issues} />
      );
    case "conversation_guide":
      return <GuideEditor content={draft.content} change={(c) => change({ ...draft, content: c })} issues={issues} />;
    case "observation_checklist":
      return (
        <ChecklistEditor content={draft.content} change={(c) => change({ ...draft, content: c })} issues={issues} />
      );
    case "nudge":
      return <NudgeEditor content={draft.content} change={(c) => change({ ...draft, content: c })} issues={issues} />;
    case "skills_check":
      return (
        <SkillsCheckEditor content={draft.content} change={(c) => change({ ...draft, content: c })} issues={issues} />
      );
  }
}

function ChallengeEditor({ content, change, issues }: ContentEditorProps<"micro_challenge">) {
  const s = useLayout();
  return (
    <div className={s.stack}>
      <Field label="Task" required validationMessage={ruleAt(issues, "content.task")}>
        <Textarea value={content.task} onChange={(_e, d) => change({ ...content, task: d.value })} />
      </Field>
      <Field
        label="Reflection prompt"
        hint="Shown above the optional reflection box"
        validationMessage={ruleAt(issues, "content.reflectionPrompt")}
      >
        <Input
          value={content.reflectionPrompt}
          onChange={(_e, d) => change({ ...content, reflectionPrompt: d.value })}
        />
      </Field>
    </div>
  );
}

function TalkTrackEditor({ content, change, issues }: ContentEditorProps<"talk_track">) {
  const s = useLayout();
  return (
    <div className={s.stack}>
      <Field label="Intro" validationMessage={ruleAt(issues, "content.intro")}>
        <Textarea value={content.intro} onChange={(_e, d) => change({ ...content, intro: d.value })} />
      </Field>
      <LineListEditor
        legend="Steps"
        itemLabel={(i) => `Step ${i + 1}`}
        addLabel="Add step"
        lines={content.steps}
        change={(steps) => change({ ...content, steps })}
        ruleOf={(i) => ruleAt(issues, `content.steps.${i}`) ?? (i === 0 ? issues.get("content.steps") : undefined)}
      />
    </div>
  );
}

function GuideEditor({ content, change, issues }: ContentEditorProps<"conversation_guide">) {
  const s = useLayout();
  return (
    <div className={s.stack}>
      <Field label="Opening" required validationMessage={ruleAt(issues, "content.opening")}>
        <Textarea value={content.opening} onChange={(_e, d) => change({ ...content, opening: d.value })} />
      </Field>
      <LineListEditor
        legend="Questions"
        itemLabel={(i) => `Question ${i + 1}`}
        addLabel="Add question"
        lines={content.questions}
        change={(questions) => change({ ...content, questions })}
        ruleOf={(i) =>
          ruleAt(issues, `content.questions.${i}`) ?? (i === 0 ? issues.get("content.questions") : undefined)
        }
      />
      <Field label="Closing" validationMessage={ruleAt(issues, "content.closing")}>
        <Input value={content.closing} onChange={(_e, d) => change({ ...content, closing: d.value })} />
      </Field>
    </div>
  );
}

function ChecklistEditor({ content, change, issues }: ContentEditorProps<"observation_checklist">) {
  return (
    <Field
      label="Instructions"
      hint="The manager rates each member of the team on each behaviour above."
      validationMessage={ruleAt(issues, "content.instructions")}
    >
      <Textarea value={content.instructions} onChange={(_e, d) => change({ ...content, instructions: d.value })} />
    </Field>
  );
}

function NudgeEditor({ content, change, issues }: ContentEditorProps<"nudge">) {
  const s = useLayout();
  return (
    <div className={s.stack}>
      <Field label="Prompt" required validationMessage={ruleAt(issues, "content.prompt")}>
        <Textarea value={content.prompt} onChange={(_e, d) => change({ ...content, prompt: d.value })} />
      </Field>
      <Field label="Style">
        <RadioGroup
          layout="horizontal"
          value={content.style}
          onChange={(_e, d) => change({ ...content, style: d.value as Content<"nudge">["style"] })}
        >
          <Radio value="practice" label="Practice: try something" />
          <Radio value="reflection" label="Reflection: think back" />
        </RadioGroup>
      </Field>
    </div>
  );
}
