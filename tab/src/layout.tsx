import { Card, CardHeader, makeStyles, Text, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";

export const useLayout = makeStyles({
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(320px, 1fr))", gap: "16px" },
  stack: { display: "flex", flexDirection: "column", gap: "16px" },
  row: { display: "flex", gap: "8px", alignItems: "center", flexWrap: "wrap" },
  figure: { fontSize: tokens.fontSizeHero800, fontWeight: tokens.fontWeightSemibold, lineHeight: "1.1" },
  list: { margin: 0, paddingLeft: "20px" },
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
