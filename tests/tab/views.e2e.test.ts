import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MANAGER, DEMO_TENANT_ID } from "../../src/demo/index.js";
import { ARTIFACTS, axeSerious, signInAs, startTab, type TabHarness, themes } from "./tab-harness.js";

let tab: TabHarness;
const axeResults: Record<string, unknown[]> = {};

beforeAll(async () => {
  tab = await startTab();
}, 120_000);
afterAll(async () => {
  console.log(`axe serious/critical violations per view: ${JSON.stringify(axeResults)}`);
  await tab?.stop();
});

async function shootAllThemes(page: Page, view: string, ready: (page: Page) => Promise<void>) {
  for (const theme of themes) {
    await page.goto(`${tab.base}/tab/?theme=${theme}`);
    await ready(page);
    await page.screenshot({ path: join(ARTIFACTS, `${view}-${theme}.png`), fullPage: true });
    const violations = await axeSerious(page);
    axeResults[`${view}-${theme}`] = violations;
    expect(violations, `${view} in ${theme}`).toEqual([]);
  }
}

describe("manager view", () => {
  it("shows the demo team's charts in every theme, and new observations at once", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_MANAGER.name);
    await page.getByRole("heading", { name: "Enterprise EMEA" }).waitFor();
    await shootAllThemes(page, "manager", async (p) => {
      await p.getByRole("heading", { name: "Enterprise EMEA" }).waitFor();
      await p.locator("figure[aria-label^='Adoption by week'] .recharts-line").first().waitFor();
      await p.locator("figure[aria-label^='Win rate'] .recharts-line").first().waitFor();
    });
    expect(await page.getByRole("img", { name: /Adoption by week/ }).count()).toBe(1);
    await expect.poll(() => page.locator(".recharts-line-curve").count()).toBeGreaterThan(3);

    // A checklist submitted from the card writes observations (that write is the bot's); the tab shows them on load.
    const adoption = async () => {
      const text = await page.getByRole("list", { name: "Current adoption" }).getByRole("listitem").first().innerText();
      return Number(/(\d+)%/.exec(text)?.[1]);
    };
    const before = await adoption();
    const team = (await tab.storage.teams.get(DEMO_TENANT_ID, DEMO_MANAGER.teamId))?.value;
    const members = team?.members ?? [];
    const stamp = Date.now();
    await tab.storage.observations.addForTeam(
      DEMO_TENANT_ID,
      DEMO_MANAGER.teamId,
      members.map((m, i) => ({
        id: `e2e-${stamp}-${i}`,
        tenantId: DEMO_TENANT_ID,
        programId: "discovery-that-wins",
        teamId: DEMO_MANAGER.teamId,
        managerObjectId: DEMO_MANAGER.objectId,
        memberObjectId: m.objectId,
        behaviourId: "open-questions",
        levelIndex: 2,
        observedAt: new Date().toISOString(),
      })),
    );
    await page.reload();
    await page.getByText("Everyone has been observed recently.").waitFor();
    await page.getByText(`${members.length} of ${members.length}`).first().waitFor();
    expect(await adoption()).toBeGreaterThan(before);
    await page.close();
  });
});

describe("learner view", () => {
  it("shows my practice streak, pre/post and nudges in every theme", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, "Harry Wilson");
    await shootAllThemes(page, "learner", async (p) => {
      await p.getByText("Practice streak").waitFor();
      await p.getByText(/Before: \d\/4/).waitFor();
    });
    await page.close();
  });
});
