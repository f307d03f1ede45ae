import { Card, CardHeader, makeStyles, Text, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";

export const useLayout = makeStyles({
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(320px, 1fr))", gap: "16px" },
  stack: { display: "flex", flexDirection: "column", gap: "16px" },
  row: { display: "flex", gap: "8px", alignItems: "center", flexWrap: "wrap" },
  figure: { fontSize: tokens.fontSizeHero800, fontWeight: tokens.fontWeightSemibold, lineHeight: "1.1" },
  list: { margin: 0, paddingLeft: "20px" },
  /** A fieldset drawn as a quiet box, its legend as a small heading. */
  group: {
    display: "flex",
    flexDirection: "column",
    gap: "8px",
    margin: 0,
    padding: "8px 12px 12px",
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    "& > legend": { padding: "0 4px", fontWeight: tokens.fontWeightSemibold },
  },
  /** A fieldset that only groups (its legend names the choices), with no box. */
  bare: { border: "none", padding: 0, margin: 0 },
});

export function Panel({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader
        header={
          <Text as="h3" weight="semibold" size={400} style={{ margin: 0 }}>
            {title}
          </Text>
        }
        description={subtitle ? <Text size={200}>{subtitle}</Text> : undefined}
      />
      {children}
    </Card>
  );
}
