import { Badge, Text } from "@fluentui/react-components";
import type { Api } from "./api/index.js";
import { PracticeChart, PrePostChart } from "./charts.js";
import { Panel, useLayout } from "./layout.js";
import { Empty, Loaded } from "./states.js";
import { useLoad } from "./use-load.js";

export function LearnerPage({ api }: { api: Api }) {
  const s = useLayout();
  const load = useLoad(() => api.learning(), "learning");
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
                    {pre === null && post === null ? (
                      <Text as="p" block>
                        Your skills check arrives in Teams; your scores show here once you have taken it.
                      </Text>
                    ) : (
                      <PrePostChart pre={pre} post={post} />
                    )}
                  </div>
                );
              })
            )}
          </Panel>
          <Panel title="My nudges" subtitle="What you were asked to practise, and what you said">
            {view.nudges.length === 0 ? (
              <Empty title="No nudges yet">They arrive in your Teams chat twice a week.</Empty>
            ) : (
              <ul className={s.list} aria-label="My nudges" style={{ listStyle: "none", paddingLeft: 0 }}>
                {view.nudges.map((n) => (
                  <li key={n.deliveryId} className={s.stack} style={{ gap: 4, marginBottom: 16 }}>
                    <Text block weight="semibold">
                      {n.title}
                    </Text>
                    <Text block size={200}>
                      {new Date(n.slot).toLocaleDateString(undefined, {
                        weekday: "short",
                        day: "numeric",
                        month: "short",
                      })}
                    </Text>
                    <Text block>{n.prompt}</Text>
                    {n.response ? (
                      <div className={s.row}>
                        <Text>You said: “{n.response.text}”</Text>
                        <Badge appearance="tint">confidence {n.response.confidence} of 5</Badge>
                      </div>
                    ) : (
                      <div>
                        <Badge appearance="outline">not answered</Badge>
                      </div>
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
