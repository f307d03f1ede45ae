import { Text } from "@fluentui/react-components";
import type { KpiFigures } from "../../src/dashboard/index.js";
import { useLayout } from "./layout.js";
import { percent } from "./states.js";

export function KpiPanelNumbers({ kpi }: { kpi: KpiFigures }) {
  const s = useLayout();
  const v = (n: number | undefined) => (n === undefined ? "—" : `${Number(n.toFixed(1))}${kpi.unit}`);
  return (
    <div className={s.row} style={{ gap: 24 }}>
      <Text>
        Baseline <strong>{v(kpi.baseline.value)}</strong>
      </Text>
      <Text>
        Current <strong>{v(kpi.current?.value)}</strong>
      </Text>
      {kpi.target ? (
        <Text>
          Target <strong>{v(kpi.target.value)}</strong> by {kpi.target.date}
        </Text>
      ) : (
        <Text>No target: a leading indicator</Text>
      )}
      <Text>
        Progress <strong>{percent(kpi.progress)}</strong>
      </Text>
    </div>
  );
}
