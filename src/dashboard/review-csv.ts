import type { KpiStory, SideStory } from "./kpi-story.js";
import type { MonthlyReview } from "./monthly-review.js";
import type { Ranged } from "./program-value.js";
import { SIDES } from "./program-view.js";

function cell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ""
      : typeof value === "number"
        ? String(Number(value.toFixed(4)))
        : String(value);
  // Quote when needed; a leading =, +, - or @ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const roleLabel = (role: KpiStory["role"]) => (role === "outcome" ? "outcome, lagging" : "leading");

function kpiRows(story: KpiStory): unknown[][] {
  const rows: unknown[][] = [
    [
      "kpi",
      `${story.name} (${roleLabel(story.role)})`,
      "",
      "",
      "",
      `unit ${story.unit}; baseline ${story.baseline.value} on ${story.baseline.date}; ${story.target ? `target ${story.target.value} by ${story.target.date}` : "no target (a leading indicator)"}`,
    ],
  ];
  const side = (s: SideStory | undefined, i: number) => s?.values[i] ?? "";
  story.months.forEach((month, i) => {
    rows.push([
      "kpi month",
      `${story.name} ${month}`,
      side(story.sides?.pilot, i),
      side(story.sides?.comparison, i),
      side(story.organisation ?? undefined, i),
      story.sides
        ? `mean of ${story.sides.pilot.teams[i]} pilot and ${story.sides.comparison.teams[i]} comparison teams`
        : "",
    ]);
    for (const team of story.teams)
      if (team.values[i] !== null)
        rows.push(["kpi team", `${story.name} ${month} ${team.name}`, "", "", team.values[i], team.role]);
  });
  const current = (s: SideStory | null | undefined) => s?.current?.value ?? "";
  const progress = (s: SideStory | null | undefined) => s?.progress ?? "";
  rows.push([
    "kpi current",
    story.name,
    current(story.sides?.pilot),
    current(story.sides?.comparison),
    current(story.organisation),
    "latest month with a value",
  ]);
  rows.push([
    "kpi progress",
    story.name,
    progress(story.sides?.pilot),
    progress(story.sides?.comparison),
    progress(story.organisation),
    "0 = baseline, 1 = target",
  ]);
  return rows;
}

function ranged(label: string, r: Ranged | null, unit: string): unknown[] {
  return ["value", label, "", "", r?.estimate ?? "", r ? `90% interval ${cell(r.low)} to ${cell(r.high)}${unit}` : ""];
}

/**
 * The monthly review as one CSV, every figure of the page: section, item, pilot, comparison, value, note.
 * Withheld figures read "withheld". UTF-8 with a BOM for Excel.
 */
export function monthlyReviewCsv(review: MonthlyReview): string {
  const { program } = review;
  const rows: unknown[][] = [["section", "item", "pilot", "comparison", "value", "note"]];
  rows.push(["program", program.name, "", "", review.month, review.stageNote]);
  rows.push([
    "purpose",
    "window",
    "",
    "",
    program.window ? `${program.window.start} to ${program.window.end}` : "",
    "",
  ]);
  rows.push(["purpose", "problem today", "", "", "", program.purpose.problemToday]);
  rows.push(["purpose", "desired state", "", "", "", program.purpose.desiredState]);
  rows.push(["purpose", "strategic objective", "", "", "", program.purpose.strategicObjective]);
  for (const story of review.kpis) rows.push(...kpiRows(story));
  for (const link of review.chain)
    rows.push([
      "chain",
      `${link.skills.join(" + ")} → ${link.behaviourName} → ${link.kpiName}`,
      link.adoption.pilot,
      link.adoption.comparison,
      link.relation.correlation,
      link.flag ??
        `adoption over ${review.adoptionWeeks?.from ?? ""} to ${review.adoptionWeeks?.to ?? ""}; relation over ${link.relation.teams} teams`,
    ]);
  const s = review.skillsCheck;
  rows.push(["skills check", "mean score before", "", "", s.preMean, `${s.pairs} learners took both`]);
  rows.push(["skills check", "mean score after", "", "", s.postMean, `${s.pre} took the first, ${s.post} the second`]);
  rows.push(["skills check", "change", "", "", s.change, ""]);
  for (const item of ["observations", "challengesDone", "challengesSkipped", "nudgeResponses"] as const) {
    const [pilot, comparison] = SIDES.map((side) => review.engagement.month[side][item]);
    rows.push(["engagement", `${item} in ${review.month}`, pilot, comparison, "", ""]);
    const [pilotToDate, comparisonToDate] = SIDES.map((side) => review.engagement.toDate[side][item]);
    rows.push(["engagement", `${item} to date`, pilotToDate, comparisonToDate, "", ""]);
  }
  const e = review.effect;
  const effectItem = "pilot change minus comparison change";
  if (e?.status === "estimate" || e?.status === "pre-trend")
    rows.push([
      "effect",
      effectItem,
      "",
      "",
      e.estimate,
      `90% interval ${cell(e.interval[0])} to ${cell(e.interval[1])}${e.status === "pre-trend" ? "; no effect claimed" : ""}. ${e.summary}`,
    ]);
  else if (e?.status === "descriptive")
    rows.push(["effect", `${effectItem} (descriptive gap, not an estimate)`, "", "", e.gap, e.summary]);
  else if (e) rows.push(["effect", effectItem, "", "", "", e.summary]);
  const v = review.value;
  const currency = v.valuation ? ` ${v.valuation.currency}` : "";
  if (v.valuation) {
    rows.push(["value", "worth of one KPI unit", "", "", v.valuation.unitWorth, v.valuation.currency]);
    rows.push(["value", "program cost", "", "", v.valuation.cost, v.valuation.currency]);
  }
  rows.push(ranged("benefit", v.benefit, currency));
  rows.push(ranged("net benefit", v.netBenefit, currency));
  rows.push(ranged("ROI %", v.roiPercent, "%"));
  rows.push(["value", "statement", "", "", "", v.statement]);
  rows.push(["notes", "", "", "", "", review.notes?.text ?? ""]);
  return `\uFEFF${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}
