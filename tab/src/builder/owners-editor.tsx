import { Button, Field, Select, Text } from "@fluentui/react-components";
import { useState } from "react";
import type { MeView, TeamSummary } from "../api/index.js";
import { useLayout } from "../layout.js";

/** The people whose names the tab knows: you, and every team's manager. */
function knownPeople(me: MeView, teams: TeamSummary[]): Map<string, string> {
  const people = new Map<string, string>();
  for (const t of teams) people.set(t.manager.objectId, t.manager.displayName);
  people.set(me.objectId, `${me.name} (you)`);
  return people;
}

/** Owners by name; a program keeps at least one. Someone the tab knows no name for is said to be so, not by id. */
export function OwnersEditor({
  owners,
  change,
  me,
  teams,
}: {
  owners: string[];
  change: (owners: string[]) => void;
  me: MeView;
  teams: TeamSummary[];
}) {
  const s = useLayout();
  const people = knownPeople(me, teams);
  const [adding, setAdding] = useState("");
  const addable = [...people].filter(([id]) => !owners.includes(id)).sort((a, b) => a[1].localeCompare(b[1]));
  const chosen = adding || addable[0]?.[0] || "";
  return (
    <fieldset className={s.bare}>
      <legend>
        <Text weight="semibold">Owners</Text>
      </legend>
      {owners.length === 0 ? (
        <Text>No owner yet: you become the owner when you save.</Text>
      ) : (
        <ul className={s.list} aria-label="Owners">
          {owners.map((id) => (
            <li key={id}>
              {people.get(id) ?? "An admin who is not in any team's roster"}
              {owners.length > 1 && (
                <Button
                  size="small"
                  appearance="subtle"
                  aria-label={`Remove owner ${people.get(id) ?? "without a roster entry"}`}
                  onClick={() => change(owners.filter((o) => o !== id))}
                  style={{ marginLeft: 8 }}
                >
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {addable.length > 0 && (
        <div className={s.row} style={{ alignItems: "flex-end", marginTop: 8 }}>
          <Field label="Add an owner">
            <Select value={chosen} onChange={(_e, d) => setAdding(d.value)}>
              {addable.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </Select>
          </Field>
          <Button
            onClick={() => {
              if (chosen) change([...owners, chosen]);
              setAdding("");
            }}
          >
            Add owner
          </Button>
        </div>
      )}
    </fieldset>
  );
}
