import type { MonthlyReview } from "./monthly-review.js";

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

/** The monthly review as one CSV: section, item, pilot, comparison, value, note. UTF-8 with BOM for Excel. */
export function monthlyReviewCsv(review: MonthlyReview): string {
  const rows: unknown[][] = [["section", "item", "pilot", "comparison", "value", "note"]];
  rows.push(["program", review.programName, "", "", review.month, ""]);
  for (const link of review.chain)
    rows.push([
      "chain",
      `${link.skills.join(" + ")} → ${link.behaviourName} → ${link.kpiName}`,
      link.adoption.pilot,
      link.adoption.comparison,
      link.relation.correlation,
      link.flag ?? "",
    ]);
  for (const { kpi } of review.kpis)
    rows.push([
      "kpi",
      `${kpi.name} (${kpi.unit})`,
      "",
      "",
      kpi.current?.value ?? "",
      `baseline ${kpi.baseline.value} on ${kpi.baseline.date}; ${kpi.target ? `target ${kpi.target.value} by ${kpi.target.date}` : "no target (leading indicator)"}`,
    ]);
  if (review.effect?.status === "estimate")
    rows.push([
      "effect",
      "difference-in-differences",
      "",
      "",
      review.effect.estimate,
      `90% interval ${review.effect.interval[0].toFixed(2)} to ${review.effect.interval[1].toFixed(2)}. ${review.effect.summary}`,
    ]);
  else if (review.effect) rows.push(["effect", "difference-in-differences", "", "", "", review.effect.summary]);
  for (const item of ["observations", "challengesDone", "challengesSkipped", "nudgeResponses"] as const)
    rows.push(["engagement", item, review.engagement.pilot[item], review.engagement.comparison[item], "", ""]);
  rows.push(["notes", "", "", "", "", review.notes?.text ?? ""]);
  return `\uFEFF${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}
