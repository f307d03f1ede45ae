import { Button, Field, Input } from "@fluentui/react-components";
import { useLayout } from "../layout.js";

/**
 * A list of lines (a talk track's steps, a guide's questions, a skills check's options), each its own labelled
 * field, with add and remove; `ruleOf(i)` is the server's rule for line i, shown beside it.
 */
export function LineListEditor({
  legend,
  itemLabel,
  addLabel,
  lines,
  change,
  remove = (i) => change(lines.filter((_, j) => j !== i)),
  min = 1,
  max = 20,
  ruleOf,
}: {
  legend: string;
  itemLabel: (i: number) => string;
  addLabel: string;
  lines: string[];
  change: (lines: string[]) => void;
  /** Removing a line may need more than the shorter list (a skills check keeps its right answer in place). */
  remove?: (i: number) => void;
  min?: number;
  max?: number;
  ruleOf?: (i: number) => string | undefined;
}) {
  const s = useLayout();
  return (
    <fieldset className={s.bare} style={{ display: "flex", flexDirection: "column", gap: 8 }}>
      <legend style={{ marginBottom: 4 }}>{legend}</legend>
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional; their text is what changes
        <div key={i} className={s.row} style={{ alignItems: "flex-end", flexWrap: "nowrap" }}>
          <Field label={itemLabel(i)} validationMessage={ruleOf?.(i)} style={{ flexGrow: 1 }}>
            <Input value={line} onChange={(_e, d) => change(lines.map((l, j) => (j === i ? d.value : l)))} />
          </Field>
          {lines.length > min && (
            <Button appearance="subtle" aria-label={`Remove ${itemLabel(i).toLowerCase()}`} onClick={() => remove(i)}>
              Remove
            </Button>
          )}
        </div>
      ))}
      {lines.length < max && (
        <div>
          <Button size="small" onClick={() => change([...lines, ""])}>
            {addLabel}
          </Button>
        </div>
      )}
    </fieldset>
  );
}
