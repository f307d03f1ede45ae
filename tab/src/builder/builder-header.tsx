import {
  Badge,
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Text,
} from "@fluentui/react-components";
import { useLayout } from "../layout.js";
import { actionLabel, nextStatuses, statusColor, statusLabel } from "../program-status.js";
import { ErrorState, Saved } from "../states.js";
import type { ProgramDraft } from "./use-program-draft.js";

export function BuilderHeader({ program, back }: { program: ProgramDraft; back: () => void }) {
  const s = useLayout();
  const { draft, busy } = program;
  return (
    <div className={s.row}>
      <Button onClick={back}>Back to programs</Button>
      <Text as="h2" size={600} weight="semibold" style={{ margin: 0 }}>
        {draft.name || "New program"}
      </Text>
      <Badge color={statusColor[draft.status]}>{statusLabel[draft.status]}</Badge>
      {program.dirty && (
        <Badge appearance="outline" color="warning">
          Unsaved changes
        </Badge>
      )}
      <Button appearance="primary" onClick={() => void program.save()} disabled={busy}>
        Save
      </Button>
      {nextStatuses(draft.status).map((to) => (
        <Button key={to} onClick={() => void program.transition(to)} disabled={busy}>
          {actionLabel[to]}
        </Button>
      ))}
    </div>
  );
}

/** What the last save or status change did: saved, refused by field, not ready, or overtaken by someone else. */
export function BuilderNoticeBar({ program }: { program: ProgramDraft }) {
  const notice = program.notice;
  if (!notice) return null;
  switch (notice.kind) {
    case "saved":
      return <Saved>{notice.text}</Saved>;
    case "conflict":
      return (
        <MessageBar intent="warning" role="alert">
          <MessageBarBody>
            <MessageBarTitle>Someone else changed it</MessageBarTitle>
            This program was changed by someone else since you opened it; your save was not applied. Reload to see their
            changes.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void program.reload()}>Reload</Button>
          </MessageBarActions>
        </MessageBar>
      );
    case "problems":
      return (
        <MessageBar intent="warning" role="alert" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Not ready to activate</MessageBarTitle>
            <ul aria-label="What activation still needs" style={{ margin: "4px 0 0", paddingLeft: 20 }}>
              {notice.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      );
    case "error":
      return <ErrorState error={notice.error} />;
  }
}
