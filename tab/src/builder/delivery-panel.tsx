import { Badge, Button, Text } from "@fluentui/react-components";
import type { Api } from "../api/index.js";
import { useLayout } from "../layout.js";
import { ErrorState, Loaded } from "../states.js";
import { useLoad } from "../use-load.js";
import { useMutation } from "../use-mutation.js";

/** Colours by meaning: only completed is good news, failed is bad, expired and cancelled recede. */
const statusColors = {
  scheduled: "informative",
  sent: "brand",
  completed: "success",
  expired: "warning",
  failed: "danger",
  cancelled: "subtle",
} as const;

/** Failures listed by name; the rest are counted. */
const FAILURES_SHOWN = 3;

/**
 * The program's deliveries by status, its failures with their reasons, and "send the failed again". It loads
 * on its own: the report counts every delivery, so the figures beside it need not wait for it.
 */
export function DeliveryPanel({
  api,
  programId,
  teamName,
}: {
  api: Api;
  programId: string;
  teamName: (teamId: string) => string;
}) {
  const s = useLayout();
  const load = useLoad(() => api.programs.deliveries(programId), `deliveries/${programId}`);
  const resend = useMutation(async () => {
    const outcome = await api.programs.resendFailed(programId);
    load.reload();
    return outcome;
  });
  return (
    <Loaded load={load} label="Counting deliveries…">
      {(report) => {
        const counts = Object.entries(report.counts).filter(([, n]) => n > 0);
        return (
          <div className={s.stack}>
            <div className={s.row}>
              {counts.length === 0 ? (
                <Text>No deliveries yet.</Text>
              ) : (
                counts.map(([status, count]) => (
                  <Badge
                    key={status}
                    appearance="tint"
                    color={statusColors[status as keyof typeof statusColors] ?? "brand"}
                  >
                    {status}: {count}
                  </Badge>
                ))
              )}
            </div>
            {report.possibleDuplicates > 0 && (
              <Text>
                {report.possibleDuplicates} sent again after an interrupted attempt: those people may have the card
                twice.
              </Text>
            )}
            {report.failures.length > 0 && (
              <>
                <ul className={s.list} aria-label="Failed deliveries">
                  {report.failures.slice(0, FAILURES_SHOWN).map((f) => (
                    <li key={f.deliveryId}>
                      <Text>
                        {teamName(f.teamId)}, {f.slot.slice(0, 10)}: {f.reason}
                      </Text>
                    </li>
                  ))}
                  {report.failures.length > FAILURES_SHOWN && (
                    <li>
                      <Text>and {report.failures.length - FAILURES_SHOWN} more</Text>
                    </li>
                  )}
                </ul>
                <div className={s.row}>
                  <Button appearance="primary" disabled={resend.busy} onClick={() => void resend.run()}>
                    Send the failed again
                  </Button>
                </div>
              </>
            )}
            {resend.error && <ErrorState error={resend.error} />}
            {resend.result && (
              <Text role="status">
                {resend.result.requeued === 1 ? "1 delivery" : `${resend.result.requeued} deliveries`} queued to send
                again.
              </Text>
            )}
          </div>
        );
      }}
    </Loaded>
  );
}
