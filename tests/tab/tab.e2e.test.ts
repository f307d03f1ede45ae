import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_ADMIN, DEMO_MANAGER, DEMO_TENANT_ID } from "../../src/demo/index.js";
import { deliveryIdFor, type Program } from "../../src/domain/index.js";
import { authenticateApiKey, recordObservations, saveReviewNotes } from "../../src/measure/index.js";
import { TEST_API_KEY_PEPPER } from "../support/test-config.js";
import { ARTIFACTS, axeSerious, signInAs, startTab, type TabHarness, themes } from "./tab-harness.js";

// A browser walks whole flows in three themes; on a loaded CI machine that takes longer than a unit test.
vi.setConfig({ testTimeout: 300_000 });

/** One server and one Chromium for every browser test (one build of the tab, and fast). */
let tab: TabHarness;
const axeResults: Record<string, unknown[]> = {};

beforeAll(async () => {
  tab = await startTab();
}, 120_000);
afterAll(async () => {
  console.log(`axe serious/critical violations per view: ${JSON.stringify(axeResults)}`);
  await tab?.stop();
});

async function programNamed(name: string): Promise<Program | undefined> {
  for await (const status of ["draft", "active"] as const) {
    for await (const { value } of tab.storage.programs.each(DEMO_TENANT_ID, status))
      if (value.name === name) return value;
  }
  return undefined;
}

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
      const text = await page
        .getByRole("list", { name: "Current adoption" })
        .getByRole("listitem")
        .first()
        .textContent();
      return Number(/(\d+)%/.exec(text ?? "")?.[1]);
    };
    const before = await adoption();
    const team = (await tab.storage.teams.get(DEMO_TENANT_ID, DEMO_MANAGER.teamId))?.value;
    const members = team?.members ?? [];
    const stamp = Date.now();
    const program = (await tab.storage.programs.get(DEMO_TENANT_ID, "discovery-that-wins"))?.value;
    if (!program) throw new Error("no demo program");
    // The card action records through recordObservations, which keeps the rollups the tab reads.
    await recordObservations(
      tab.storage,
      program,
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
    await page.getByText("No nudges yet").waitFor();

    // When the API fails the view says so and offers a retry, rather than going blank.
    let failing = true;
    await page.route("**/api/v1/me/learning", (route) =>
      failing
        ? route.fulfill({ status: 503, json: { error: "unavailable", reason: "storage is not reachable" } })
        : route.continue(),
    );
    await page.reload();
    await page.getByRole("alert").getByText("storage is not reachable").waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "learner-error-contrast.png") });
    failing = false;
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByText("Practice streak").waitFor();
    await page.close();
  });
});

describe("program builder", () => {
  it("takes an admin from nothing to an active program, and tells them when someone else changed it", async () => {
    const name = `Listening first ${Date.now()}`;
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, "Dana Whitfield");
    await page.getByRole("heading", { name: "Programs" }).waitFor();
    await page.getByRole("button", { name: "New program" }).click();

    // Discover
    await page.getByLabel("Program name").fill(name);
    await page.getByLabel("The problem today").fill("Reps answer before they understand.");
    await page.getByLabel("The desired state").fill("Every rep reflects the need back before proposing.");
    await page.getByLabel("Strategic objective it serves").fill("Grow new-logo revenue.");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page
      .getByRole("status")
      .getByText(/^Created at \d\d:\d\d\.$/)
      .waitFor();

    // Design: outcome KPI, the chain, an asset with its live card preview
    await page.getByRole("tab", { name: "2. Design" }).click();
    // A new KPI with baseline, target, dates and direction; a target on the wrong side is refused by name.
    await page.getByText("Define a new KPI").click();
    await page.getByLabel("KPI name").fill(`Reflection rate ${name}`);
    await page.getByLabel("Direction").selectOption("higher_is_better");
    await page.getByLabel("Baseline value").fill("20");
    await page.getByLabel("Baseline date").fill("2026-11-01");
    await page.getByLabel("Target value").fill("15");
    await page.getByLabel("Target date").fill("2027-03-31");
    await page.getByRole("button", { name: "Create KPI" }).click();
    await page
      .getByRole("alert")
      .getByText(/target › value: must be above the baseline/)
      .waitFor();
    await page.getByLabel("Target value").fill("40");
    await page.getByRole("button", { name: "Create KPI" }).click();
    await expect
      .poll(() => page.getByLabel("Outcome KPI").evaluate((e) => (e as HTMLSelectElement).selectedOptions[0]?.text))
      .toMatch(/^Reflection rate .*\(20% → 40%\)$/);
    await page.getByLabel("Outcome KPI").selectOption("win-rate");
    const leading = "Opportunities with a documented customer need";
    await page
      .getByRole("group", { name: /Leading metrics/ })
      .getByRole("checkbox", { name: leading })
      .check();
    await page.getByLabel("New skill").fill("Active listening");
    await page.getByRole("button", { name: "Add skill" }).click();
    await page.getByLabel("New behaviour").fill("Reflects back what the customer said");
    await page.getByRole("checkbox", { name: "Active listening" }).check();
    const moves = page.getByRole("group", { name: /Metrics it should move/ });
    await moves.getByRole("checkbox", { name: "Win rate" }).check();
    await moves.getByRole("checkbox", { name: leading }).check();
    await page.getByRole("button", { name: "Add behaviour" }).click();
    await page
      .getByRole("list", { name: "Behaviours" })
      .getByText(/Reflects back/)
      .waitFor();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page
      .getByRole("status")
      .getByText(/^Saved at \d\d:\d\d\.$/)
      .waitFor();

    await page.getByLabel("Title").fill("Reflect back twice");
    await page
      .getByRole("group", { name: "Behaviours it reinforces" })
      .getByRole("checkbox", { name: "Reflects back what the customer said" })
      .check();
    await page.getByLabel("Task").fill("On your next call, reflect the customer's need back twice.");
    const preview = page.getByTestId("card-preview");
    await preview.getByText("Reflect back twice").waitFor();
    await preview.getByText(/reflect the customer's need back twice/).waitFor();
    expect(await preview.locator(".ac-pushButton").allTextContents()).toEqual(["Done", "Skip this week"]);
    await page.screenshot({ path: join(ARTIFACTS, "admin-builder-design-default.png"), fullPage: true });
    await page.getByRole("button", { name: "Add asset" }).click();
    await page.getByRole("list", { name: "Assets" }).getByText("Reflect back twice").waitFor();

    // Activation is refused until the program is complete, and says what is missing
    await page.getByRole("button", { name: "Activate" }).click();
    const missing = page.getByRole("list", { name: "What activation still needs" });
    await missing.getByText(/pilot team/).waitFor();

    // Deliver: pilot and comparison teams, the window, the schedule
    await page.getByRole("tab", { name: "3. Deliver" }).click();
    await page.getByLabel("Enterprise EMEA (5 members)").selectOption("pilot");
    await page.getByLabel("Commercial UK (5 members)").selectOption("comparison");
    await page.getByLabel("Starts").fill("2026-11-23");
    await page.getByLabel("Ends").fill("2027-03-31");
    await page.getByRole("checkbox", { name: "Tuesday" }).check();
    await page.getByLabel("Local time").fill("09:00");
    await page.getByRole("button", { name: "Add to schedule" }).click();
    await page
      .getByRole("list", { name: "Schedule" })
      .getByText("Reflect back twice to managers: every Tuesday at 09:00")
      .waitFor();

    await page.getByRole("button", { name: "Activate" }).click();
    await page.getByRole("button", { name: "Pause" }).waitFor();
    const active = await programNamed(name);
    expect(active).toMatchObject({
      status: "active",
      outcomeKpiId: "win-rate",
      leadingKpiIds: ["documented-need"],
      window: { start: "2026-11-23", end: "2027-03-31" },
      teams: [
        { teamId: "emea-enterprise", role: "pilot" },
        { teamId: "uk-commercial", role: "comparison" },
      ],
    });
    expect(active?.chain.behaviours[0]).toMatchObject({
      name: "Reflects back what the customer said",
      kpiIds: ["win-rate", "documented-need"],
    });
    expect(active?.schedule.entries[0]).toMatchObject({ audience: "managers", localTime: "09:00" });

    // Someone else saves the program meanwhile: this admin's save is refused, and they are told
    const current = await tab.storage.programs.get(DEMO_TENANT_ID, active?.id ?? "");
    if (!current) throw new Error("program vanished");
    await tab.storage.programs.save({ ...current.value, name: `${name} (renamed by a colleague)` }, current.etag);
    await page.getByRole("tab", { name: "1. Discover" }).click();
    await page.getByLabel("Strategic objective it serves").fill("Grow new-logo revenue 15%.");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Someone else changed it").waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "admin-conflict-default.png"), fullPage: true });
    expect((await tab.storage.programs.get(DEMO_TENANT_ID, active?.id ?? ""))?.value.discover.strategicObjective).toBe(
      "Grow new-logo revenue.",
    );
    await page.getByRole("button", { name: "Reload" }).click();
    await page
      .getByLabel("Program name")
      .and(page.locator(`[value="${name} (renamed by a colleague)"]`))
      .waitFor();

    // Clone it as a template for the next wave: a new draft with the same design and assets
    const renamed = `${name} (renamed by a colleague)`;
    await page.getByRole("button", { name: "Back to programs" }).click();
    await page.getByRole("button", { name: `Clone ${renamed} as a template` }).click();
    await page.getByRole("button", { name: `${renamed} (copy)`, exact: true }).waitFor();
    const copy = await programNamed(`${renamed} (copy)`);
    expect(copy).toMatchObject({ status: "draft", outcomeKpiId: "win-rate" });
    expect(copy?.chain.behaviours.map((b) => b.name)).toEqual(["Reflects back what the customer said"]);
    expect((await tab.storage.assets.all(DEMO_TENANT_ID, copy?.id ?? "")).map((a) => a.title)).toEqual([
      "Reflect back twice",
    ]);
    await page.close();
  });

  it("shows the program list, the builder and the Measure step in every theme without serious accessibility problems", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, "Dana Whitfield");
    const results: Record<string, unknown> = {};
    for (const theme of themes) {
      await page.goto(`${tab.base}/tab/?theme=${theme}`);
      await page.getByRole("table", { name: "Programs" }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `admin-programs-${theme}.png`), fullPage: true });
      results[`programs-${theme}`] = await axeSerious(page);

      await page.getByRole("button", { name: "Discovery that wins", exact: true }).click();
      await page.getByRole("tab", { name: "2. Design" }).click();
      await page.getByRole("list", { name: "What the card still needs" }).waitFor();
      await page.getByRole("list", { name: "Assets" }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `admin-builder-${theme}.png`), fullPage: true });
      results[`builder-${theme}`] = await axeSerious(page);

      await page.getByRole("tab", { name: "4. Measure" }).click();
      await page.getByRole("table", { name: "Impact chain" }).waitFor();
      await page.locator("figure[aria-label*='pilot teams against comparison'] .recharts-line").first().waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `admin-measure-${theme}.png`), fullPage: true });
      results[`measure-${theme}`] = await axeSerious(page);
    }
    console.log(`axe serious/critical violations (admin): ${JSON.stringify(results)}`);
    for (const [view, violations] of Object.entries(results)) expect(violations, view).toEqual([]);
    await page.close();
  });
});

describe("the program list", () => {
  it("pages visibly: the first 50, then the rest on request, following the server's continuation token", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const token = (
      await (
        await page.request.post(`${tab.base}/api/v1/dev/token`, { data: { objectId: DEMO_ADMIN.objectId } })
      ).json()
    ).token;
    for (let i = 0; i < 55; i++) {
      const created = await page.request.post(`${tab.base}/api/v1/programs`, {
        headers: { authorization: `Bearer ${token}` },
        data: { name: `Zz paging ${String(i).padStart(2, "0")}` },
      });
      expect(created.status()).toBe(201);
    }
    let all = 0;
    for (const status of ["draft", "active", "paused", "completed"] as const)
      for await (const _ of tab.storage.programs.each(DEMO_TENANT_ID, status)) all++;
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    const rows = page.getByRole("table", { name: "Programs" }).getByRole("row");
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(50 + 1);
    await page.getByRole("button", { name: "Show more programs" }).click();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(Math.min(all, 100) + 1);
    while (await page.getByRole("button", { name: "Show more programs" }).count())
      await page.getByRole("button", { name: "Show more programs" }).click();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(all + 1);
    await page.close();
  });
});

describe("builder removals", () => {
  it("takes a behaviour, then the skill only it used, and a schedule entry out of a draft, kept on save", async () => {
    const demo = await programNamed("Discovery that wins");
    if (!demo) throw new Error("no demo program");
    const saved = await tab.storage.programs.save({
      ...demo,
      id: "removals-draft",
      name: "Removals draft",
      status: "draft",
    });
    const summarises = demo.chain.behaviours.find((b) => b.name.startsWith("Summarises"));
    const listening = demo.chain.skills.find((k) => k.name === "Active listening");
    const firstEntry = demo.schedule.entries[0];
    if (!summarises || !listening || !firstEntry) throw new Error("the demo chain changed");
    // Its assets: the one the first schedule entry sends, and a spare that nothing sends.
    const sent = (await tab.storage.assets.get(DEMO_TENANT_ID, demo.id, firstEntry.assetId))?.value;
    if (!sent) throw new Error("the demo asset is missing");
    await tab.storage.assets.save({ ...sent, programId: "removals-draft" });
    await tab.storage.assets.save({ ...sent, programId: "removals-draft", id: "spare-asset", title: "Spare asset" });

    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, "Dana Whitfield");
    await page.getByRole("button", { name: "Removals draft", exact: true }).click();
    await page.getByRole("tab", { name: "2. Design" }).click();
    const removeSkill = page.getByRole("button", { name: `Remove skill ${listening.name}` });
    // A skill a behaviour still uses cannot go (the list says why); once that behaviour is gone, it can.
    const skills = page.getByRole("list", { name: "Skills" });
    await skills.getByText(`(used by ${summarises.name})`).waitFor();
    expect(await removeSkill.count()).toBe(0);
    await page
      .getByRole("list", { name: "Behaviours" })
      .locator("xpath=ancestor::div[contains(@class,'fui-Card')]")
      .screenshot({
        path: join(ARTIFACTS, "admin-builder-removals-default.png"),
      });
    await page.getByRole("button", { name: `Remove behaviour ${summarises.name}` }).click();
    await removeSkill.click();
    expect(await skills.getByText(listening.name).count()).toBe(0);
    // An asset the schedule sends says so; the spare one is deleted at once.
    const assets = page.getByRole("list", { name: "Assets" });
    await assets.getByText("(on the schedule)").waitFor();
    await page.getByRole("button", { name: "Remove asset Spare asset" }).click();
    await assets.getByText("Spare asset").waitFor({ state: "detached" });
    expect(await tab.storage.assets.get(DEMO_TENANT_ID, "removals-draft", "spare-asset")).toBeUndefined();
    await page.getByRole("tab", { name: "3. Deliver" }).click();
    await page
      .getByRole("button", { name: `Remove ${sent.title} from the schedule` })
      .first()
      .click();
    await page.getByRole("button", { name: "Save", exact: true }).click();

    await expect
      .poll(async () => (await tab.storage.programs.get(DEMO_TENANT_ID, "removals-draft"))?.etag, { timeout: 10_000 })
      .not.toBe(saved.etag);
    const after = (await tab.storage.programs.get(DEMO_TENANT_ID, "removals-draft"))?.value;
    expect(after?.chain.behaviours.map((b) => b.id)).toEqual(
      demo.chain.behaviours.filter((b) => b.id !== summarises.id).map((b) => b.id),
    );
    expect(after?.chain.skills.map((k) => k.id)).not.toContain(listening.id);
    expect(after?.schedule.entries).toHaveLength(demo.schedule.entries.length - 1);
    // The live program offers no removals: its behaviours are named by observations.
    await page.getByRole("button", { name: "Back to programs" }).click();
    await page.getByRole("button", { name: "Discovery that wins", exact: true }).click();
    await page.getByRole("tab", { name: "2. Design" }).click();
    await page.getByRole("list", { name: "Behaviours" }).waitFor();
    expect(await page.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    await page.close();
  });
});

describe("teams from a roster file", () => {
  it("checks a roster in the Deliver step, lists a bad row's problem, and imports a good one into the team list", async () => {
    const manager = randomUUID();
    const member = randomUUID();
    const header = "team,team_name,role,object_id,display_name,time_zone";
    const bad = `${header}\nroster-west,Inside Sales West,member,${member},Vic,Europe/Madrid\n`;
    const good = `${header}\nroster-west,Inside Sales West,manager,${manager},Uma,Europe/Madrid\n${bad.split("\n")[1]}\n`;

    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, "Dana Whitfield");
    await page.getByRole("button", { name: "Removals draft", exact: true }).click();
    await page.getByRole("tab", { name: "3. Deliver" }).click();
    await page.getByText("Import teams from a roster file").click();
    const input = page.getByLabel("Roster CSV");
    await input.setInputFiles({ name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
    await page
      .getByRole("list", { name: "Roster problems" })
      .getByText('Line 2, role: team "roster-west" has no manager row')
      .waitFor();
    expect(await page.getByRole("button", { name: /^Import 1 team/ }).count()).toBe(0);

    await input.setInputFiles({ name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(good) });
    await page.getByRole("status").getByText("2 rows, 1 team").waitFor();
    await page.getByRole("button", { name: "Import 1 team" }).click();
    await page.getByText("1 team created, 0 rosters replaced.").waitFor();
    // The new team can be put in the program straight away.
    await page.getByLabel("Inside Sales West (1 members)").waitFor();
    const saved = (await tab.storage.teams.get(DEMO_TENANT_ID, "roster-west"))?.value;
    expect(saved?.manager.objectId).toBe(manager);
    expect(saved?.members.map((m) => m.objectId)).toEqual([member]);
    await page.close();
  });
});

describe("deliveries in the Measure step", () => {
  it("shows a failed delivery with its reason, and sends it again", async () => {
    const program = await programNamed("Discovery that wins");
    const entry = program?.schedule.entries.find((e) => e.audience === "managers");
    const pilot = program?.teams.find((t) => t.role === "pilot");
    const team = pilot && (await tab.storage.teams.get(DEMO_TENANT_ID, pilot.teamId))?.value;
    if (!program || !entry || !team) throw new Error("the demo program has no manager entry or pilot team");
    const slot = new Date(Date.now() - 3_600_000);
    const failed = await tab.storage.deliveries.create({
      id: deliveryIdFor(program.id, entry.assetId, team.manager.objectId, slot),
      tenantId: DEMO_TENANT_ID,
      programId: program.id,
      assetId: entry.assetId,
      scheduleEntryId: entry.id,
      teamId: team.id,
      recipientObjectId: team.manager.objectId,
      recipientRole: "manager",
      slot: slot.toISOString(),
      status: "failed",
      attempts: 5,
      lastError: "403: the bot was removed from the chat",
      updatedAt: slot.toISOString(),
    });

    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, "Dana Whitfield");
    await page.getByRole("button", { name: "Discovery that wins", exact: true }).click();
    await page.getByRole("tab", { name: "4. Measure" }).click();
    const failures = page.getByRole("list", { name: "Failed deliveries" });
    await failures.getByText(`${team.name}, ${slot.toISOString().slice(0, 10)}: 403: the bot was removed`).waitFor();
    await page.getByText("failed: 1", { exact: true }).waitFor();
    await page
      .getByText("failed: 1", { exact: true })
      .locator("xpath=ancestor::div[contains(@class,'fui-Card')]")
      .screenshot({
        path: join(ARTIFACTS, "admin-deliveries-failed-default.png"),
      });

    await page.getByRole("button", { name: "Send the failed again" }).click();
    await page.getByRole("status").getByText("1 delivery queued to send again.").waitFor();
    await failures.waitFor({ state: "detached" });
    expect(await page.getByText("failed: 1", { exact: true }).count()).toBe(0);
    const row = await tab.storage.deliveries.get(DEMO_TENANT_ID, team.manager.objectId, failed.value.id);
    expect(row?.value).toMatchObject({ status: "scheduled", attempts: 0, lastError: null });
    await page.close();
  });
});

describe("outside Teams", () => {
  it("falls back to the standalone sign-in when framed by a page that is not Teams", async () => {
    const page = await tab.browser.newPage();
    // Same origin, so frame-ancestors 'self' lets it frame the tab; teams-js then never hears from a host.
    await page.route(`${tab.base}/not-teams`, (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<iframe title="tab" src="${tab.base}/tab/" width="900" height="600"></iframe>`,
      }),
    );
    await page.goto(`${tab.base}/not-teams`);
    const frame = page.frameLocator("iframe[title=tab]");
    await frame.getByLabel("Sign in as").waitFor({ timeout: 15_000 });
    const response = await page.request.get(`${tab.base}/tab/`);
    expect(response.headers()["content-security-policy"]).toMatch(
      /frame-ancestors 'self' https:\/\/teams\.microsoft\.com/,
    );
    await page.close();
  });
});

describe("KPI data and the monthly review", () => {
  const today = new Date().toISOString().slice(0, 10);
  const csv = Buffer.from(
    `kpi;team;date;value\nwin-rate;emea-enterprise;${today};47,3\nwin-rate;no-such-team;${today};12\n`,
  );
  const preview = async (p: Page) => {
    await p.getByRole("tab", { name: "KPI data" }).click();
    await p.getByLabel("CSV file").setInputFiles({ name: "kpis.csv", mimeType: "text/csv", buffer: csv });
    await p.getByText("2 rows read: 1 valid, 1 with problems.").waitFor();
  };
  const winRateValues = async () => {
    const values = [];
    let continuationToken: string | undefined;
    do {
      const page = await tab.storage.kpiValues.list(DEMO_TENANT_ID, "win-rate", { pageSize: 1000, continuationToken });
      values.push(...page.items);
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return values;
  };
  const review = async (p: Page) => {
    await p.getByRole("tab", { name: "Monthly review" }).click();
    await p.getByRole("heading", { name: /Discovery that wins — / }).waitFor();
  };

  it("an admin previews a CSV with a bad row, imports the valid one, and the review shows it", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await page.getByRole("tab", { name: "KPI data" }).waitFor();
    await shootAllThemes(page, "kpi-data", preview);
    const problems = page.getByRole("list", { name: "Problems by row" });
    expect(await problems.textContent()).toContain("Line 3, team");
    expect((await winRateValues()).some((v) => v.value === 47.3)).toBe(false);

    await page.getByRole("button", { name: "Import the 1 valid rows" }).click();
    await page.getByText("1 values written; 1 rows skipped.").waitFor();
    const written = await winRateValues();
    expect(written.filter((v) => v.value === 47.3).map((v) => [v.teamId, v.date])).toEqual([
      ["emea-enterprise", today],
    ]);
    expect(written.some((v) => v.teamId === "no-such-team")).toBe(false);

    await shootAllThemes(page, "review", async (p) => {
      await review(p);
      await p
        .getByRole("list", { name: "KPI progress" })
        .getByText(/emea-enterprise 47\.3%/)
        .waitFor();
    });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^review-.+-\d{4}-\d{2}\.csv$/);
    const file = await download.path();
    expect(readFileSync(file, "utf8")).toContain("section,item,pilot,comparison,value,note");
    await page.emulateMedia({ media: "print" });
    expect(await page.getByRole("tab", { name: "KPI data" }).isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Download CSV" }).isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, "review-print.png"), fullPage: true });
    await page.emulateMedia({ media: "screen" });
    await page.close();
  });

  it("asks which way round the dates are when the file cannot tell, and previews with the answer", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await page.getByRole("tab", { name: "KPI data" }).click();
    // Names, not ids; a date that reads as 3 February or March 2; a repeated row.
    const ambiguous =
      "\uFEFFKPI;Team;Date;Value\nWin rate;Enterprise EMEA;03/02/2026;41,5\nWin rate;Enterprise EMEA;03/02/2026;41,5\n";
    await page
      .getByLabel("CSV file")
      .setInputFiles({ name: "export.csv", mimeType: "text/csv", buffer: Buffer.from(ambiguous) });
    const dayFirst = page.getByRole("radio", { name: /3 February 2026 \(day first\)/ });
    await dayFirst.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "kpi-data-question.png"), fullPage: true });
    expect(await page.getByRole("button", { name: /Import the/ }).count()).toBe(0);
    await dayFirst.check();
    await page.getByText("2 rows read: 2 valid, 0 with problems; 1 repeated rows counted once").waitFor();
    expect(await page.getByRole("list", { name: "Notes by row" }).textContent()).toContain(
      "Line 3: repeats line 2: counted once",
    );
    await page.screenshot({ path: join(ARTIFACTS, "kpi-data-answered.png"), fullPage: true });
    await page.close();
  });

  it("notes save, and a save over someone else's change says so and keeps theirs", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await review(page);
    await page.getByLabel("Review notes").fill("Pilot started late in APAC.");
    await page.getByRole("button", { name: "Save notes" }).click();
    await page.getByText("Notes saved.").waitFor();

    const program = await programNamed("Discovery that wins");
    if (!program) throw new Error("demo program missing");
    const month = new Date().toISOString().slice(0, 7);
    const row = await tab.storage.rollups.get(DEMO_TENANT_ID, `program.${program.id}`, `review:${month}`);
    await saveReviewNotes(tab.storage, program, month, {
      text: "Theirs",
      updatedBy: "someone",
      etag: row?.etag ?? null,
    });

    await page.getByLabel("Review notes").fill("Mine");
    await page.getByRole("button", { name: "Save notes" }).click();
    await page.getByText(/Someone else changed it/).waitFor();
    const after = await tab.storage.rollups.get<{ text: string }>(
      DEMO_TENANT_ID,
      `program.${program.id}`,
      `review:${month}`,
    );
    expect(after?.value.data.text).toBe("Theirs");
    await page.getByRole("button", { name: "Reload" }).click();
    await expect.poll(() => page.getByLabel("Review notes").inputValue()).toBe("Theirs");
    await page.close();
  });

  it("an admin creates an API key, sees it once, and revokes it", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await page.getByRole("tab", { name: "KPI data" }).click();
    await page.getByLabel("Key name").fill("Power BI");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent()) ?? "";
    expect(key).toMatch(/^tl_/);
    expect(await authenticateApiKey(tab.storage, TEST_API_KEY_PEPPER, key)).toBeTruthy();
    await page.getByRole("button", { name: "Revoke Power BI" }).click();
    await page.getByText(/^revoked /).waitFor();
    expect(await authenticateApiKey(tab.storage, TEST_API_KEY_PEPPER, key)).toBeUndefined();
    await page.reload();
    await page.getByRole("tab", { name: "KPI data" }).click();
    await page.getByRole("table", { name: "API keys" }).waitFor();
    expect(await page.getByTestId("new-api-key").count()).toBe(0);
    await page.close();
  });
});
