import { tokens } from "@fluentui/react-components";
import { createContext, useContext } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { BehaviourAdoption, KpiFigures, SideTrend } from "../../src/dashboard/index.js";
import type { ThemeName } from "./host.js";

/** Series colours per theme: Teams purple and friends, brighter on dark, pure high-contrast colours on contrast. */
const palettes: Record<ThemeName, string[]> = {
  default: ["#5b5fc7", "#c4314b", "#237b4b", "#8a5d00"],
  dark: ["#9ea2ff", "#f1707b", "#6ccb5f", "#f8d22a"],
  contrast: ["#ffff00", "#00ffff", "#ff00ff", "#3ff23f"],
};

export const ThemeContext = createContext<ThemeName>("default");

function useChartStyle() {
  const theme = useContext(ThemeContext);
  const text = theme === "default" ? "#242424" : "#ffffff";
  return {
    colors: palettes[theme],
    axis: { stroke: text, tick: { fill: text, fontSize: 12 } },
    grid: theme === "default" ? "#e0e0e0" : "#444444",
    tooltip: {
      contentStyle: { background: tokens.colorNeutralBackground1, color: tokens.colorNeutralForeground1 },
    },
  };
}

const shortWeek = (week: string) => week.slice(5);

/** "2026-10-31" → "31 Oct": short enough that the last label fits at the chart's edge. */
const shortDate = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

/** Room at both ends of a category axis, so the first and last labels are not cut off. */
const axisPadding = { left: 12, right: 24 };

/** The value axis always shows baseline and target, with a little room around the data. */
function kpiDomain(kpi: KpiFigures, values: (number | null | undefined)[]): [number, number] {
  const target = kpi.target ? [kpi.target.value] : [];
  const all = [kpi.baseline.value, ...target, ...values.filter((v): v is number => typeof v === "number")];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const pad = (max - min) * 0.1 || 1;
  return [Math.floor(min - pad), Math.ceil(max + pad)];
}

/** A chart is a figure with a text alternative; the numbers are also in the text around it. */
function Figure({ label, children, height = 220 }: { label: string; children: React.ReactElement; height?: number }) {
  return (
    <figure role="img" aria-label={label} style={{ margin: 0, width: "100%", height }}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </figure>
  );
}

export function AdoptionChart({ behaviours }: { behaviours: BehaviourAdoption[] }) {
  const style = useChartStyle();
  const weeks = behaviours[0]?.weeks.map((w) => w.week) ?? [];
  const data = weeks.map((week, i) => ({
    week: shortWeek(week),
    ...Object.fromEntries(
      behaviours.map((b) => {
        const a = b.weeks[i]?.adoption;
        return [b.name, a === null || a === undefined ? null : Math.round(a * 100)];
      }),
    ),
  }));
  return (
    <Figure label={`Adoption by week: ${behaviours.map((b) => b.name).join(", ")}`}>
      <LineChart data={data} margin={{ top: 8, right: 32, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={style.grid} strokeDasharray="3 3" />
        <XAxis dataKey="week" padding={axisPadding} {...style.axis} />
        <YAxis domain={[0, 100]} unit="%" width={44} {...style.axis} />
        <Tooltip {...style.tooltip} />
        <Legend />
        {behaviours.map((b, i) => (
          <Line
            isAnimationActive={false}
            key={b.behaviourId}
            type="monotone"
            dataKey={b.name}
            stroke={style.colors[i % 4]}
            strokeWidth={2}
            connectNulls
            dot
          />
        ))}
      </LineChart>
    </Figure>
  );
}

export function KpiChart({ kpi }: { kpi: KpiFigures }) {
  const style = useChartStyle();
  const hasComparison = kpi.pilotVsComparison.some((p) => p.comparison !== null);
  const data: { date: string; mine: number | null; pilot?: number | null; comparison?: number | null }[] = hasComparison
    ? kpi.pilotVsComparison.map((p) => ({
        date: p.date,
        mine: kpi.series.find((s) => s.date === p.date)?.value ?? null,
        pilot: p.pilot,
        comparison: p.comparison,
      }))
    : kpi.series.map((s) => ({ date: s.date, mine: s.value }));
  const domain = kpiDomain(
    kpi,
    data.flatMap((d) => [d.mine, d.pilot, d.comparison]),
  );
  return (
    <Figure
      label={`${kpi.name}: baseline ${kpi.baseline.value}${kpi.unit}, ${kpi.target ? `target ${kpi.target.value}${kpi.unit}` : "no target (a leading indicator)"}`}
    >
      <LineChart data={data} margin={{ top: 8, right: 32, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={style.grid} strokeDasharray="3 3" />
        <XAxis dataKey="date" tickFormatter={shortDate} padding={axisPadding} {...style.axis} />
        <YAxis domain={domain} unit={kpi.unit} width={52} allowDecimals={false} {...style.axis} />
        <Tooltip {...style.tooltip} />
        <Legend />
        <ReferenceLine
          y={kpi.baseline.value}
          stroke={style.axis.stroke}
          strokeDasharray="4 4"
          label={{ value: "baseline", fill: style.axis.stroke, fontSize: 11 }}
        />
        {kpi.target && (
          <ReferenceLine
            y={kpi.target.value}
            stroke={style.colors[2]}
            strokeDasharray="4 4"
            label={{ value: "target", fill: style.axis.stroke, fontSize: 11 }}
          />
        )}
        <Line
          isAnimationActive={false}
          type="monotone"
          dataKey="mine"
          name="This team"
          stroke={style.colors[0]}
          strokeWidth={3}
          connectNulls
        />
        {hasComparison && (
          <Line
            isAnimationActive={false}
            type="monotone"
            dataKey="pilot"
            name="Pilot teams"
            stroke={style.colors[3]}
            strokeDasharray="2 2"
            connectNulls
          />
        )}
        {hasComparison && (
          <Line
            isAnimationActive={false}
            type="monotone"
            dataKey="comparison"
            name="Comparison teams"
            stroke={style.colors[1]}
            connectNulls
          />
        )}
      </LineChart>
    </Figure>
  );
}

/**
 * The pilot and comparison lines of a chart whose rows have `pilot` and `comparison`. Elements, not a
 * component: recharts only draws the Line elements it finds among the chart's own children. The comparison
 * line is dashed so the two differ without colour too.
 */
function pilotAndComparisonLines(colors: readonly string[]) {
  return [
    <Line
      key="pilot"
      isAnimationActive={false}
      type="monotone"
      dataKey="pilot"
      name="Pilot teams"
      stroke={colors[0]}
      strokeWidth={3}
      connectNulls
    />,
    <Line
      key="comparison"
      isAnimationActive={false}
      type="monotone"
      dataKey="comparison"
      name="Comparison teams"
      stroke={colors[1]}
      strokeWidth={2}
      strokeDasharray="6 3"
      connectNulls
    />,
  ];
}

/** One behaviour's adoption by week, pilot teams against comparison teams. */
export function SideTrendChart({ trend }: { trend: SideTrend }) {
  const style = useChartStyle();
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 100));
  const data = trend.weeks.map((w) => ({
    week: shortWeek(w.week),
    pilot: pct(w.pilot),
    comparison: pct(w.comparison),
  }));
  return (
    <Figure label={`${trend.name}: adoption by week, pilot teams against comparison teams`}>
      <LineChart data={data} margin={{ top: 8, right: 32, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={style.grid} strokeDasharray="3 3" />
        <XAxis dataKey="week" padding={axisPadding} {...style.axis} />
        <YAxis domain={[0, 100]} unit="%" width={44} {...style.axis} />
        <Tooltip {...style.tooltip} />
        <Legend />
        {pilotAndComparisonLines(style.colors)}
      </LineChart>
    </Figure>
  );
}

export function PilotComparisonChart({ kpi }: { kpi: KpiFigures }) {
  const style = useChartStyle();
  const domain = kpiDomain(
    kpi,
    kpi.pilotVsComparison.flatMap((p) => [p.pilot, p.comparison]),
  );
  return (
    <Figure label={`${kpi.name}: pilot teams against comparison teams`}>
      <LineChart data={kpi.pilotVsComparison} margin={{ top: 8, right: 32, bottom: 0, left: 0 }}>
        <CartesianGrid stroke={style.grid} strokeDasharray="3 3" />
        <XAxis dataKey="date" tickFormatter={shortDate} padding={axisPadding} {...style.axis} />
        <YAxis domain={domain} unit={kpi.unit} width={52} allowDecimals={false} {...style.axis} />
        <Tooltip {...style.tooltip} />
        <Legend />
        <ReferenceLine
          y={kpi.baseline.value}
          stroke={style.axis.stroke}
          strokeDasharray="4 4"
          label={{ value: "baseline", fill: style.axis.stroke, fontSize: 11 }}
        />
        {kpi.target && (
          <ReferenceLine
            y={kpi.target.value}
            stroke={style.colors[2]}
            strokeDasharray="4 4"
            label={{ value: "target", fill: style.axis.stroke, fontSize: 11 }}
          />
        )}
        {pilotAndComparisonLines(style.colors)}
      </LineChart>
    </Figure>
  );
}

export function PracticeChart({ weeks }: { weeks: { week: string; responses: number }[] }) {
  const style = useChartStyle();
  return (
    <Figure label="Practice responses per week" height={180}>
      <BarChart data={weeks.map((w) => ({ week: shortWeek(w.week), responses: w.responses }))}>
        <CartesianGrid stroke={style.grid} strokeDasharray="3 3" />
        <XAxis dataKey="week" padding={axisPadding} {...style.axis} />
        <YAxis allowDecimals={false} width={32} {...style.axis} />
        <Tooltip {...style.tooltip} />
        <Bar isAnimationActive={false} dataKey="responses" name="Responses" fill={style.colors[0]} />
      </BarChart>
    </Figure>
  );
}

export function PrePostChart({ pre, post }: { pre: number | null; post: number | null }) {
  const style = useChartStyle();
  const data = [
    { phase: "Before", score: pre === null ? 0 : Math.round(pre * 100) },
    { phase: "After", score: post === null ? 0 : Math.round(post * 100) },
  ];
  return (
    <Figure
      label={`Skills check before ${pre === null ? "not taken" : `${Math.round(pre * 100)}%`}, after ${post === null ? "not taken" : `${Math.round(post * 100)}%`}`}
      height={160}
    >
      <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
        <XAxis type="number" domain={[0, 100]} unit="%" {...style.axis} />
        <YAxis type="category" dataKey="phase" width={56} {...style.axis} />
        <Bar isAnimationActive={false} dataKey="score" name="Score" fill={style.colors[2]} />
      </BarChart>
    </Figure>
  );
}
