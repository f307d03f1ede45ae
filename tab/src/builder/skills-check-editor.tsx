import { Button, Field, Input, Select, Text } from "@fluentui/react-components";
import { ruleAt } from "../issues.js";
import { useLayout } from "../layout.js";
import { newQuestion, withoutOption } from "./asset-draft.js";
import type { ContentEditorProps } from "./content-editors.js";
import { LineListEditor } from "./line-list-editor.js";

const MAX_QUESTIONS = 20;

/**
 * A skills check: questions, each with 2 to 6 options and the one that is right. Taken before and after the
 * program; each right answer scores a point, so the score is out of the number of questions.
 */
export function SkillsCheckEditor({ content, change, issues }: ContentEditorProps<"skills_check">) {
  const s = useLayout();
  const questions = content.questions;
  const setQuestion = (i: number, q: (typeof questions)[number]) =>
    change({ questions: questions.map((x, j) => (j === i ? q : x)) });
  return (
    <div className={s.stack}>
      <Text>Scored out of {questions.length}: one point for each question answered right.</Text>
      {questions.map((q, i) => {
        const at = `content.questions.${i}`;
        return (
          <fieldset key={q.id} className={s.group}>
            <legend>Question {i + 1}</legend>
            <Field label="Wording" required validationMessage={ruleAt(issues, `${at}.text`)}>
              <Input value={q.text} onChange={(_e, d) => setQuestion(i, { ...q, text: d.value })} />
            </Field>
            <LineListEditor
              legend="Answers"
              itemLabel={(j) => `Answer ${j + 1}`}
              addLabel="Add an answer"
              lines={q.options}
              min={2}
              max={6}
              change={(options) => setQuestion(i, { ...q, options })}
              remove={(j) => setQuestion(i, withoutOption(q, j))}
              ruleOf={(j) =>
                ruleAt(issues, `${at}.options.${j}`) ?? (j === 0 ? issues.get(`${at}.options`) : undefined)
              }
            />
            <Field label="Right answer" validationMessage={ruleAt(issues, `${at}.correctIndex`)}>
              <Select
                value={String(q.correctIndex)}
                onChange={(_e, d) => setQuestion(i, { ...q, correctIndex: Number(d.value) })}
              >
                {q.options.map((option, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: options are positional
                  <option key={j} value={String(j)}>
                    {`Answer ${j + 1}${option.trim() ? `: ${option.trim()}` : ""}`}
                  </option>
                ))}
              </Select>
            </Field>
            {questions.length > 1 && (
              <div>
                <Button
                  appearance="subtle"
                  aria-label={`Remove question ${i + 1}`}
                  onClick={() => change({ questions: questions.filter((_, j) => j !== i) })}
                >
                  Remove question
                </Button>
              </div>
            )}
          </fieldset>
        );
      })}
      {questions.length < MAX_QUESTIONS && (
        <div>
          <Button onClick={() => change({ questions: [...questions, newQuestion(questions)] })}>Add a question</Button>
        </div>
      )}
    </div>
  );
}
