import { Badge, Text } from "@fluentui/react-components";
import type { LearnerView } from "../../src/dashboard/index.js";
import type { Api } from "./api-client.js";
import { PracticeChart, PrePostChart } from "./charts.js";
import { Panel, useLayout } from "./layout.js";
import { Empty, Loaded } from "./states.js";
import { useLoad } from "./use-load.js";

export function LearnerPage({ api }: { api: Api }) {
  const s = useLayout();
  const load = useLoad(async () => (await api.get<LearnerView>("/me/learning")).data, "learning");
  return (
    <Loaded load={load} label="Loading your practice…">
      {(view) => (
        <div className={s.grid}>
          <Panel title="Practice streak" subtitle="Weeks in a row with at least one practice">
            <Text className={s.figure}>
              {view.streakWeeks} {view.streakWeeks === 1 ? "week" : "weeks"}
            </Text>
            {view.practiceByWeek.some((w) => w.responses > 0) ? (
              <PracticeChart weeks={view.practiceByWeek} />
            ) : (
              <Empty title="No practice yet">Answer a nudge in Teams to start your streak.</Empty>
            )}
          </Panel>
          <Panel title="Skills check" subtitle="Before and after the program">
            {view.prePost.length === 0 ? (
              <Empty title="No skills check yet" />
            ) : (
              view.prePost.map((p) => {
                const pre = p.pre ? p.pre.score / p.pre.maxScore : null;
                const post = p.post ? p.post.score / p.post.maxScore : null;
                return (
                  <div key={p.programId}>
                    <Text block weight="semibold">
                      {p.programName}
                    </Text>
                    <Text as="p" block>
                      Before: {p.pre ? `${p.pre.score}/${p.pre.maxScore}` : "not taken"} · After:{" "}
                      {p.post ? `${p.post.score}/${p.post.maxScore}` : "not taken yet"}
                    </Text>
                    <PrePostChart pre={pre} post={post} />
                  </div>
                );
              })
            )}
          </Panel>
          <Panel title="My nudges" subtitle="What you were asked to practise, and what you said">
            {view.nudges.length === 0 ? (
              <Empty title="No nudges yet">They arrive in your Teams chat twice a week.</Empty>
            ) : (
              <ul className={s.list} aria-label="My nudges">
                {view.nudges.map((n) => (
                  <li key={n.deliveryId} style={{ marginBottom: 8 }}>
                    <Text weight="semibold">{n.title}</Text> <Text size={200}>{n.slot.slice(0, 10)}</Text>
                    <Text as="p" style={{ margin: 0 }}>
                      {n.prompt}
                    </Text>
                    {n.response ? (
                      <Text as="p" style={{ margin: 0 }}>
                        You said: “{n.response.text}”{" "}
                        <Badge appearance="tint">confidence {n.response.confidence}/5</Badge>
                      </Text>
                    ) : (
                      <Badge appearance="outline">not answered</Badge>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </Panel>
        </div>
      )}
    </Loaded>
  );
}
