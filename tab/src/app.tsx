import { Button, makeStyles, Tab, TabList, Text, tokens } from "@fluentui/react-components";
import { useMemo, useState } from "react";
import { type Api, apiClient, devToken } from "./api/index.js";
import { ProgramBuilderPage } from "./builder/index.js";
import type { Host } from "./host.js";
import { KpiDataPage } from "./kpi-data-view.js";
import { LearnerPage } from "./learner-view.js";
import { LeaveGuardProvider, useConfirmLeave } from "./leave-guard.js";
import { ManagerTeams } from "./manager-view.js";
import { ProgramList } from "./program-list.js";
import { ReviewPage } from "./review-view.js";
import { SignInAs } from "./sign-in.js";
import { Empty, Loaded } from "./states.js";
import { useLoad } from "./use-load.js";

const useStyles = makeStyles({
  shell: {
    minHeight: "100vh",
    padding: "16px 24px",
    boxSizing: "border-box",
    background: tokens.colorNeutralBackground2,
  },
  header: { display: "flex", alignItems: "center", gap: "16px", flexWrap: "wrap", marginBottom: "12px" },
  spacer: { flexGrow: 1 },
});

const DEV_PERSON_KEY = "throughline.dev.person";

export function App({ host }: { host: Host }) {
  const [person, setPerson] = useState<string | null>(() =>
    host.kind === "standalone" ? sessionStorage.getItem(DEV_PERSON_KEY) : null,
  );
  const api = useMemo(() => {
    if (host.kind === "teams") return apiClient(host.getToken);
    if (!person) return null;
    let cached: Promise<string> | undefined;
    return apiClient(() => {
      cached ??= devToken(person);
      return cached;
    });
  }, [host, person]);

  if (!api) {
    return (
      <SignInAs
        signIn={(objectId) => {
          sessionStorage.setItem(DEV_PERSON_KEY, objectId);
          setPerson(objectId);
        }}
      />
    );
  }
  const signOut =
    host.kind === "standalone"
      ? () => {
          sessionStorage.removeItem(DEV_PERSON_KEY);
          setPerson(null);
        }
      : undefined;
  return (
    <LeaveGuardProvider>
      <Signed api={api} signOut={signOut} key={person ?? "teams"} />
    </LeaveGuardProvider>
  );
}

type Page = "team" | "learning" | "programs" | "kpi-data" | "review";

function Signed({ api, signOut }: { api: Api; signOut?: () => void }) {
  const styles = useStyles();
  const me = useLoad(() => api.me(), "me");
  const [page, setPage] = useState<Page | null>(null);
  const [builder, setBuilder] = useState<{ programId: string | null } | null>(null);
  const confirmLeave = useConfirmLeave();
  return (
    <main className={styles.shell}>
      <Loaded load={me} label="Signing you in…">
        {(who) => {
          const pages: [Page, string][] = [
            ...(who.roles.manager ? ([["team", "My team"]] as [Page, string][]) : []),
            ...(who.roles.learner || (!who.roles.manager && !who.roles.admin)
              ? ([["learning", "My learning"]] as [Page, string][])
              : []),
            ...(who.roles.admin
              ? ([
                  ["programs", "Programs"],
                  ["kpi-data", "KPI data"],
                  ["review", "Monthly review"],
                ] as [Page, string][])
              : []),
          ];
          const current = page ?? pages[0]?.[0] ?? "learning";
          return (
            <>
              <header className={styles.header} data-print="hide">
                <Text as="h1" size={500} weight="bold" style={{ margin: 0 }}>
                  Throughline
                </Text>
                <TabList
                  selectedValue={current}
                  onTabSelect={async (_e, d) => {
                    if (!(await confirmLeave())) return;
                    setPage(d.value as Page);
                    setBuilder(null);
                  }}
                  aria-label="Views"
                >
                  {pages.map(([value, label]) => (
                    <Tab key={value} value={value}>
                      {label}
                    </Tab>
                  ))}
                </TabList>
                <span className={styles.spacer} />
                <Text>{who.name}</Text>
                {signOut && (
                  <Button
                    onClick={async () => {
                      if (await confirmLeave()) signOut();
                    }}
                  >
                    Switch person
                  </Button>
                )}
              </header>
              {current === "team" && <ManagerTeams api={api} teams={who.teams.filter((t) => t.role === "manager")} />}
              {current === "learning" &&
                (who.roles.learner ? (
                  <LearnerPage api={api} />
                ) : (
                  <Empty title="Nothing to practise yet">You are not in a team that takes part in a program.</Empty>
                ))}
              {current === "programs" &&
                (builder ? (
                  <ProgramBuilderPage api={api} me={who} programId={builder.programId} back={() => setBuilder(null)} />
                ) : (
                  <ProgramList api={api} open={(programId) => setBuilder({ programId })} />
                ))}
              {current === "kpi-data" && <KpiDataPage api={api} />}
              {current === "review" && <ReviewPage api={api} />}
            </>
          );
        }}
      </Loaded>
    </main>
  );
}
