import { Button, Text } from "@fluentui/react-components";

/** Takes an item out (kept on Save); while something depends on it, says what instead. */
export function RemoveButton({ what, blockedBy, remove }: { what: string; blockedBy?: string; remove: () => void }) {
  if (blockedBy)
    return (
      <Text size={200} style={{ marginLeft: 8 }}>
        ({blockedBy})
      </Text>
    );
  return (
    <Button size="small" appearance="subtle" aria-label={`Remove ${what}`} onClick={remove} style={{ marginLeft: 8 }}>
      Remove
    </Button>
  );
}
