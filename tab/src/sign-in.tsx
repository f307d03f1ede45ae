import { Button, Card, Field, Select, Text } from "@fluentui/react-components";
import { useState } from "react";
import { devPeople } from "./api/index.js";
import { Loaded } from "./states.js";
import { useLoad } from "./use-load.js";

/** Dev mode only: choose a demo person; the server signs a token for them that the API verifies like Entra's. */
export function SignInAs({ signIn }: { signIn: (objectId: string) => void }) {
  const load = useLoad(devPeople, "people");
  const [chosen, setChosen] = useState("");
  return (
    <Card style={{ maxWidth: 520, margin: "48px auto" }}>
      <Text as="h1" size={600} weight="semibold" style={{ margin: 0 }}>
        Throughline
      </Text>
      <Text as="p">Running outside Teams (development). Sign in as one of the demo people:</Text>
      <Loaded load={load} label="Loading the demo people…">
        {(people) => (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              signIn(chosen || people[0]?.objectId || "");
            }}
          >
            <Field label="Sign in as">
              <Select value={chosen} onChange={(_e, d) => setChosen(d.value)}>
                {people.map((p) => (
                  <option key={p.objectId} value={p.objectId}>
                    {p.name} — {p.role}
                    {p.team ? `, ${p.team}` : ""}
                  </option>
                ))}
              </Select>
            </Field>
            <Button appearance="primary" type="submit" style={{ marginTop: 12 }}>
              Sign in
            </Button>
          </form>
        )}
      </Loaded>
    </Card>
  );
}
