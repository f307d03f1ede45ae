import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
} from "@fluentui/react-components";
import type { ReactNode } from "react";
import { ApiError } from "./api/index.js";
import { describeIssue } from "./issues.js";
import type { Load } from "./use-load.js";

export function Loading({ label }: { label: string }) {
  return <Spinner size="medium" label={label} labelPosition="below" style={{ padding: 32 }} />;
}

/** A failed call, said plainly: the server's reason, or each field and the rule it broke. */
export function ErrorState({ error, retry, title }: { error: Error; retry?: () => void; title?: string }) {
  const body = error instanceof ApiError ? error.body : undefined;
  const lines = body ? [...(body.issues ?? []).map(describeIssue), ...(body.problems ?? [])] : [];
  const reason = body ? (body.reason ?? (lines.length === 0 ? body.error : undefined)) : error.message;
  const invalid = error instanceof ApiError && error.status === 400 && lines.length > 0;
  return (
    <MessageBar intent="error" role="alert" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>
          {title ?? (invalid ? "Not saved: please check these fields" : "Something went wrong")}
        </MessageBarTitle>
        {reason || (lines.length === 0 ? "The server did not answer." : null)}
        {lines.length === 1 && <span> {lines[0]}</span>}
        {lines.length > 1 && (
          <ul aria-label="What to fix" style={{ margin: "4px 0 0", paddingLeft: 20 }}>
            {lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </MessageBarBody>
      {retry && (
        <MessageBarActions>
          <Button onClick={retry}>Try again</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}

/** A save that worked, said so where the person is looking. */
export function Saved({ children }: { children: ReactNode }) {
  return (
    <MessageBar intent="success" role="status">
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div style={{ padding: 24, textAlign: "center" }}>
      <Text as="p" block weight="semibold" size={400}>
        {title}
      </Text>
      {children && (
        <Text as="p" block>
          {children}
        </Text>
      )}
    </div>
  );
}

/** Loading, error and ready in one place, so no view can render blank. */
export function Loaded<T>({
  load,
  label,
  children,
}: {
  load: Load<T> & { reload: () => void };
  label: string;
  children: (data: T) => ReactNode;
}) {
  if (load.state === "loading") return <Loading label={label} />;
  if (load.state === "error") return <ErrorState error={load.error} retry={load.reload} />;
  return <>{children(load.data)}</>;
}

export const percent = (v: number | null | undefined) =>
  v === null || v === undefined ? "—" : `${Math.round(v * 100)}%`;
