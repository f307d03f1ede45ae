import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { reviewMonths } from "../../src/dashboard/index.js";
import { DEMO_ADMIN, DEMO_TENANT_ID, WIN_RATE_PILOT } from "../../src/demo/index.js";
import { ARTIFACTS, axeSerious, signInAs, startTab, type TabHarness } from "./tab-harness.js";

// A browser walks the review and prints it; on a loaded machine that takes longer than a unit test.
vi.setConfig({ testTimeout: 180_000 });

let tab: TabHarness;
beforeAll(async () => {
  tab = await startTab();
}, 120_000);
afterAll(async () => {
  await tab?.stop();
});

const monthName = (month: string) =>
  new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

async function latestMonth(): Promise<string> {
  const program = (await tab.storage.programs.get(DEMO_TENANT_ID, WIN_RATE_PILOT.programId))?.value;
  if (!program) throw new Error("the demo program is missing");
  const months = await reviewMonths(tab.storage, program, new Date());
  if (!months.latestWithData) throw new Error("the demo has no data");
  return months.latestWithData;
}

describe("the monthly review", () => {
  it("opens on the latest month with data and tells the story a stakeholder reads, by team name", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await page.getByRole("tab", { name: "Monthly review" }).click();
    const month = await latestMonth();
    await page.getByRole("heading", { name: `Discovery that wins — ${monthName(month)}` }).waitFor();
    await page.getByText("Grow new-logo revenue 15% in FY27 without adding headcount.").waitFor();
    // The KPI story: a chart and a table per KPI, lagging and leading labelled, teams by name.
    const winRate = page.getByRole("table", { name: "Win rate by month" });
    await winRate.waitFor();
    for (const team of ["Enterprise EMEA (pilot)", "Commercial UK (comparison)"])
      expect(await winRate.getByRole("columnheader", { name: team }).count()).toBe(1);
    expect(await winRate.textContent()).not.toContain("emea-enterprise");
    expect(await winRate.getByRole("row").filter({ hasText: "2026-10" }).textContent()).toContain("31.2%");
    await page.getByRole("img", { name: "Win rate by month: pilot teams against comparison teams" }).waitFor();
    expect(await page.getByText("lagging", { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.getByText("leading", { exact: true }).count()).toBeGreaterThan(0);
    // Three pilot and two comparison teams: the gap as a description, and the value section says plainly that
    // the evidence does not support a number.
    await page.getByText(/^Descriptive gap [+-]?[\d.]+ \(not an estimate\)$/).waitFor();
    await page.getByText(/^The evidence does not support a number: /).waitFor();
    await page.getByRole("table", { name: "Review chain" }).waitFor();
    await page.getByRole("table", { name: "Engagement" }).waitFor();
    expect(await axeSerious(page)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    const rows = parse(readFileSync(await download.path(), "utf8"), { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.find((r) => r.item === "Win rate 2026-10 Enterprise EMEA")?.value).toBe("31.2");
    expect(rows.filter((r) => r.section === "kpi month").length).toBeGreaterThan(0);

    // The printed page: no navigation or buttons, one column of dark ink, at A4 width.
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.emulateMedia({ media: "print" });
    expect(await page.getByRole("tab", { name: "KPI data" }).isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Download CSV" }).isVisible()).toBe(false);
    expect(await page.getByRole("combobox", { name: "Month" }).isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, "review-print.png"), fullPage: true });
    await page.pdf({ path: join(ARTIFACTS, "review.pdf"), format: "A4", printBackground: false });
    await page.close();
  });

  it("says a month before the start had not started", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await page.getByRole("tab", { name: "Monthly review" }).click();
    await page.getByRole("combobox", { name: "Month" }).waitFor();
    await page.getByRole("combobox", { name: "Month" }).selectOption("2026-07");
    await page.getByRole("heading", { name: "Discovery that wins — July 2026" }).waitFor();
    await page.getByText(/The program had not started in 2026-07: it starts on 7 September 2026/).waitFor();
    expect(await page.getByRole("table", { name: "Review chain" }).count()).toBe(0);
    expect(await page.getByRole("table", { name: "Win rate by month" }).getByRole("row").count()).toBe(2);
    await page.close();
  });
});
