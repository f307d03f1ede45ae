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
import { ApiError } from "./api-client.js";
import type { Load } from "./use-load.js";

export function Loading({ label }: { label: string }) {
  return <Spinner size="medium" label={label} labelPosition="below" style={{ padding: 32 }} />;
}

export function ErrorState({ error, retry }: { error: Error; retry?: () => void }) {
  const detail =
    error instanceof ApiError
      ? [
          error.body.reason,
          ...(error.body.issues ?? []).map((i) => `${i.field}: ${i.rule}`),
          ...(error.body.problems ?? []),
        ]
          .filter(Boolean)
          .join(" · ")
      : error.message;
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>Something went wrong</MessageBarTitle>
        {detail || "The server did not answer."}
      </MessageBarBody>
      {retry && (
        <MessageBarActions>
          <Button onClick={retry}>Try again</Button>
        </MessageBarActions>
      )}
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

/** A share as a percentage; "—" when there is none, "withheld" when too few people stand behind it. */
export const percent = (v: number | null | undefined | "withheld") =>
  v === "withheld" ? "withheld" : v === null || v === undefined ? "—" : `${Math.round(v * 100)}%`;

/** A figure about people as a number for a chart: withheld and empty points are gaps. */
export const plotted = (v: number | null | undefined | "withheld") => (typeof v === "number" ? v : null);
