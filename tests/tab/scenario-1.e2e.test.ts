import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { teamsLightTheme } from "@fluentui/react-components";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_ADMIN, DEMO_TENANT_ID } from "../../src/demo/index.js";
import { type RunningAzurite, startAzurite } from "../../src/dev/azurite.js";
import type { Program } from "../../src/domain/index.js";
import { openStorage, type Storage, storageAccount } from "../../src/storage/index.js";
import { hostConfigFor } from "../../tab/src/cards/host-config.js";
import { cardsOf, chatAs } from "../bot/support/chat.js";
import { ARTIFACTS, axeSerious, signInAs, startTab, type TabHarness, themes } from "./tab-harness.js";

// Scenario 1 from PRODUCT.md, built in the browser the way an L&D admin would, on storage with nothing in it.
vi.setConfig({ testTimeout: 240_000 });

let azurite: RunningAzurite;
let storage: Storage;
let tab: TabHarness;

beforeAll(async () => {
  azurite = await startAzurite();
  storage = openStorage(storageAccount({ kind: "connectionString", connectionString: azurite.connectionString }));
  await storage.ensure();
  // No seed: the tenant is allowed by configuration and the admin holds the Admin app role, as in production.
  tab = await startTab({
    storage,
    env: { STORAGE_CONNECTION_STRING: azurite.connectionString, ALLOWED_TENANT_IDS: DEMO_TENANT_ID },
  });
}, 180_000);
afterAll(async () => {
  await tab?.stop();
  await azurite?.stop();
});

const person = (name: string, timeZone: string) => ({ objectId: randomUUID(), name, timeZone });
const rosters = [
  { id: "emea", name: "Enterprise EMEA", role: "pilot", manager: person("Amelia Clarke", "Europe/London"), size: 4 },
  {
    id: "east",
    name: "Enterprise East",
    role: "pilot",
    manager: person("Sofia Martinez", "America/New_York"),
    size: 4,
  },
  { id: "apac", name: "APAC Growth", role: "pilot", manager: person("Priya Raman", "Asia/Kolkata"), size: 4 },
  { id: "uk", name: "Commercial UK", role: "comparison", manager: person("Oliver Bennett", "Europe/London"), size: 3 },
  {
    id: "mid",
    name: "Mid-Market East",
    role: "comparison",
    manager: person("Marcus Johnson", "America/New_York"),
    size: 3,
  },
] as const;
const members = new Map(
  rosters.map((t) => [
    t.id,
    Array.from({ length: t.size }, (_, i) => person(`${t.name} member ${i + 1}`, t.manager.timeZone)),
  ]),
);
const rosterCsv = [
  "team,team_name,role,object_id,display_name,time_zone",
  ...rosters.flatMap((t) => [
    `${t.id},${t.name},manager,${t.manager.objectId},${t.manager.name},${t.manager.timeZone}`,
    ...(members.get(t.id) ?? []).map((m) => `${t.id},${t.name},member,${m.objectId},${m.name},${m.timeZone}`),
  ]),
].join("\n");

const behaviours = ["Asks open discovery questions", "Summarises the customer's need before proposing"] as const;

async function activeProgram(): Promise<Program | undefined> {
  for await (const { value } of storage.programs.each(DEMO_TENANT_ID, "active"))
    if (value.name === "Discovery that wins") return value;
  return undefined;
}

const status = (page: Page, text: string | RegExp) => page.getByRole("status").getByText(text).first();
const shot = (target: Page | Locator, name: string) =>
  target.screenshot({ path: join(ARTIFACTS, `${name}.png`), ...("goto" in target ? { fullPage: true } : {}) });

async function addAsset(page: Page, kind: string, title: string, targets: string[], fill: () => Promise<void>) {
  await page.getByLabel("Kind").selectOption(kind);
  await page.getByLabel("Title").fill(title);
  const group = page.getByRole("group", { name: /^Behaviours it/ });
  for (const behaviour of behaviours)
    await group.getByRole("checkbox", { name: behaviour }).setChecked(targets.includes(behaviour));
  await fill();
  await page.getByRole("button", { name: "Add asset" }).click();
  await status(page, `Asset "${title}" saved.`).waitFor();
}

async function setDays(page: Page, days: string[]) {
  const group = page.getByRole("group", { name: "On" });
  for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
    await group.getByRole("checkbox", { name: day }).setChecked(days.includes(day));
}

async function schedule(page: Page, asset: string, set: () => Promise<void>, line: string) {
  await page.getByLabel("Asset", { exact: true }).selectOption({ label: asset });
  await set();
  await page.getByRole("button", { name: "Add to schedule" }).click();
  await page.getByRole("list", { name: "Schedule" }).getByText(line, { exact: true }).waitFor();
}

describe("scenario 1, built from scratch in the tab", () => {
  it("an admin designs 'Discovery that wins' step by step, and every save says what it did", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await page.getByText("No programs yet").waitFor();
    await page.getByRole("button", { name: "New program" }).click();

    // 1. Discover: purpose, review cadence, owners (the author, by name)
    await page.getByLabel("Program name").fill("Discovery that wins");
    await page.getByLabel("The problem today").fill("Reps pitch before they understand the customer's need.");
    await page.getByLabel("The desired state").fill("Every rep asks open questions and summarises the need first.");
    await page.getByLabel("Barriers (one per line)").fill("Quota pressure\nNo time for coaching");
    await page.getByLabel("Strategic objective it serves").fill("Grow new-logo revenue.");
    await page.getByLabel("Review cadence").selectOption("monthly");
    await page.getByRole("list", { name: "Owners" }).getByText(`${DEMO_ADMIN.name} (you)`).waitFor();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await status(page, /^Created at \d\d:\d\d\.$/).waitFor();
    await shot(page, "scenario-1-discover");

    // 2. Design: the KPI (refused by field first), skills, behaviours
    await page.getByRole("tab", { name: "2. Design" }).click();
    await page.getByText("Define a new KPI").click();
    await page.getByLabel("KPI name").fill("Win rate");
    await page.getByLabel("Baseline value").fill("28");
    await page.getByLabel("Baseline date").fill("2026-07-01");
    await page.getByLabel("Target date").fill("2026-12-31");
    await page.getByRole("button", { name: "Create KPI" }).click();
    await page
      .getByRole("alert")
      .getByText(/target › value: must be a number/)
      .waitFor();
    await page.getByLabel("Target value").fill("34");
    await page.getByRole("button", { name: "Create KPI" }).click();
    await status(page, 'KPI "Win rate" created.').waitFor();
    await expect
      .poll(() => page.getByLabel("Outcome KPI").evaluate((e) => (e as HTMLSelectElement).selectedOptions[0]?.text), {
        timeout: 30_000,
      })
      .toBe("Win rate (28% → 34%)");
    for (const skill of ["Needs discovery", "Active listening"]) {
      await page.getByLabel("New skill").fill(skill);
      await page.getByRole("button", { name: "Add skill" }).click();
    }
    const supported = page.getByRole("group", { name: "Supported by skills" });
    await page.getByLabel("New behaviour").fill(behaviours[0]);
    await supported.getByRole("checkbox", { name: "Needs discovery" }).check();
    await page.getByRole("button", { name: "Add behaviour" }).click();
    await page.getByLabel("New behaviour").fill(behaviours[1]);
    await supported.getByRole("checkbox", { name: "Needs discovery" }).check();
    await supported.getByRole("checkbox", { name: "Active listening" }).check();
    await page.getByRole("button", { name: "Add behaviour" }).click();
    // Names, never ids, in the chain.
    await page
      .getByRole("list", { name: "Behaviours" })
      .getByText(
        /supported by Needs discovery, Active listening; rated Not yet → Sometimes → Consistently; moves Win rate/,
      )
      .waitFor();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await status(page, /^Saved at \d\d:\d\d\.$/).waitFor();

    // The assets, each previewed as the bot renders it.
    const preview = page.getByTestId("card-preview");
    await addAsset(page, "micro_challenge", "Count the open questions", [behaviours[0]], async () => {
      await page.getByLabel("Task").fill("On your next call, count the open questions you ask.");
      await preview.getByText("On your next call, count the open questions you ask.").waitFor();
      expect(await preview.locator(".ac-pushButton").allTextContents()).toEqual(["Done", "Skip this week"]);
    });
    await addAsset(page, "talk_track", "Monday huddle", [behaviours[0]], async () => {
      await page.getByLabel("Intro").fill("Five minutes, standing up.");
      await page.getByRole("textbox", { name: "Step 1" }).fill("Share one great question from last week.");
      await page.getByRole("button", { name: "Add step" }).click();
      await page.getByRole("textbox", { name: "Step 2" }).fill("Pick a deal that needs more discovery.");
    });
    await addAsset(page, "observation_checklist", "Discovery checklist", [...behaviours], async () => {
      await page.getByRole("group", { name: "Behaviours it rates (each member on each)" }).waitFor();
      await page.getByLabel("Instructions").fill("Rate what you saw in the last two weeks.");
      // Until the program has teams, an example team of three stands in: three members × two behaviours.
      await preview.getByText(/an example team/).waitFor();
      const card = preview.getByRole("region", { name: "Card preview" });
      await expect.poll(() => card.locator("select").count(), { timeout: 30_000 }).toBe(6);
      expect(await card.innerText()).toContain(behaviours[1]);
      await shot(page, "scenario-1-design-checklist");
    });
    await addAsset(page, "nudge", "Try an open question", [behaviours[0]], async () => {
      await page.getByLabel("Prompt").fill("Swap one yes/no question for an open one today. How did it land?");
    });
    await addAsset(page, "skills_check", "Discovery skills check", [...behaviours], async () => {
      const questions = [
        ["Which question is open?", ["Do you have budget?", "What happens if nothing changes?"], 1],
        ["When do you summarise the need?", ["After the demo", "Before proposing", "Never"], 1],
        ["What comes after a vague answer?", ["A follow-up question", "The price"], 0],
      ] as const;
      for (const [i, [wording, answers, right]] of questions.entries()) {
        if (i > 0) await page.getByRole("button", { name: "Add a question" }).click();
        const group = page.getByRole("group", { name: `Question ${i + 1}` });
        await group.getByLabel("Wording").fill(wording);
        for (const [j, answer] of answers.entries()) {
          if (j > 1) await group.getByRole("button", { name: "Add an answer" }).click();
          await group.getByLabel(`Answer ${j + 1}`, { exact: true }).fill(answer);
        }
        await group.getByLabel("Right answer").selectOption(String(right));
      }
      await page.getByText("Scored out of 3: one point for each question answered right.").waitFor();
      await preview.getByText("Skills check · before the program").waitFor();
      await shot(page, "scenario-1-design-skills-check");
    });
    await page.getByRole("list", { name: "Assets" }).getByText("Discovery skills check").waitFor();
    await shot(page, "scenario-1-design");

    // 3. Deliver: teams from a roster file, roles, window, schedule, sending rules
    await page.getByRole("tab", { name: "3. Deliver" }).click();
    await page.getByText("Import teams from a roster file").click();
    await page
      .getByLabel("Roster CSV")
      .setInputFiles({ name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(rosterCsv) });
    await status(page, "23 rows, 5 teams").waitFor();
    await page.getByRole("button", { name: "Import 5 teams" }).click();
    await status(page, "5 teams created, 0 rosters replaced.").waitFor();
    for (const t of rosters) await page.getByLabel(`${t.name} (${t.size} members)`).selectOption(t.role);
    await status(page, "3 pilot · 2 comparison · 5 teams in all").waitFor();
    await page.getByLabel("Starts").fill("2026-11-23");
    await page.getByLabel("Ends").fill("2027-02-19");
    const time = page.getByLabel("Local time");
    await schedule(
      page,
      "Count the open questions",
      async () => {
        await setDays(page, ["Tuesday"]);
        await time.fill("09:00");
      },
      "Count the open questions to managers: every Tuesday at 09:00",
    );
    await schedule(
      page,
      "Monday huddle",
      () => setDays(page, ["Monday"]),
      "Monday huddle to managers: every Monday at 09:00",
    );
    await schedule(
      page,
      "Discovery checklist",
      async () => {
        await setDays(page, ["Friday"]);
        await page.getByLabel("Every", { exact: true }).selectOption("2");
        await time.fill("14:00");
      },
      "Discovery checklist to managers: every 2 weeks on Friday at 14:00",
    );
    await schedule(
      page,
      "Try an open question",
      async () => {
        await setDays(page, ["Tuesday", "Thursday"]);
        await page.getByLabel("Every", { exact: true }).selectOption("1");
        await time.fill("10:00");
      },
      "Try an open question to learners: every Tuesday and Thursday at 10:00",
    );
    for (const [phase, line] of [
      ["pre", "once, in week 1, on Monday at 11:00 (before the program)"],
      ["post", "once, in the last week, on Monday at 11:00 (after the program)"],
    ] as const)
      await schedule(
        page,
        "Discovery skills check",
        async () => {
          await page.getByLabel("Taken", { exact: true }).selectOption(phase);
          await page.getByLabel("Day", { exact: true }).selectOption("1");
          await time.fill("11:00");
        },
        `Discovery skills check to learners: ${line}`,
      );
    await page.getByLabel("Quiet from").fill("19:00");
    await page.getByLabel("Quiet until").fill("07:30");
    await page.getByLabel("Most cards per person per day").fill("4");
    await shot(page, "scenario-1-deliver");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await status(page, /^Saved at \d\d:\d\d\.$/).waitFor();

    // Live: the program goes active, and says so.
    await page.getByRole("button", { name: "Activate" }).click();
    await status(page, /^Activated at \d\d:\d\d\.$/).waitFor();
    await page.getByRole("button", { name: "Pause" }).waitFor();
    await shot(page, "scenario-1-active");

    const program = await activeProgram();
    if (!program) throw new Error("the program was not activated");
    expect(program).toMatchObject({
      status: "active",
      reviewCadence: "monthly",
      owners: [DEMO_ADMIN.objectId],
      window: { start: "2026-11-23", end: "2027-02-19" },
      discover: { barriers: ["Quota pressure", "No time for coaching"] },
    });
    expect(program.schedule).toMatchObject({
      quietHours: { start: "19:00", end: "07:30" },
      maxPerPersonPerDay: 4,
      spacingDays: [2, 5, 12, 26],
    });
    expect(program.teams.map((t) => `${t.teamId} ${t.role}`).sort()).toEqual(
      rosters.map((t) => `${t.id} ${t.role}`).sort(),
    );
    expect(program.chain.behaviours.map((b) => b.name)).toEqual([...behaviours]);
    const kpi = (await storage.kpis.list(DEMO_TENANT_ID)).items[0]?.value;
    expect(kpi).toMatchObject({
      name: "Win rate",
      unit: "%",
      direction: "higher_is_better",
      level: "team",
      baseline: { value: 28, date: "2026-07-01" },
      target: { value: 34, date: "2026-12-31" },
    });
    expect(program.outcomeKpiId).toBe(kpi?.id);
    const assets = await storage.assets.all(DEMO_TENANT_ID, program.id);
    const byTitle = new Map(assets.map((a) => [a.title, a]));
    expect(byTitle.get("Discovery checklist")?.behaviourIds).toEqual(program.chain.behaviours.map((b) => b.id));
    const check = byTitle.get("Discovery skills check");
    expect(
      check?.kind === "skills_check" && check.content.questions.map((q) => [q.options.length, q.correctIndex]),
    ).toEqual([
      [2, 1],
      [3, 1],
      [2, 0],
    ]);
    expect(program.schedule.entries.map((e) => [assets.find((a) => a.id === e.assetId)?.title, e.audience])).toEqual([
      ["Count the open questions", "managers"],
      ["Monday huddle", "managers"],
      ["Discovery checklist", "managers"],
      ["Try an open question", "learners"],
      ["Discovery skills check", "learners"],
      ["Discovery skills check", "learners"],
    ]);
    expect(
      program.schedule.entries.find((e) => e.cadence.kind === "weekly" && e.cadence.everyWeeks === 2)?.cadence,
    ).toEqual({
      kind: "weekly",
      weekdays: [5],
      everyWeeks: 2,
      fromWeek: 1,
    });
    await page.close();
  });

  it("the preview is the card the manager gets: the checklist in the chat is the same, byte for byte", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await page.getByRole("button", { name: "Discovery that wins", exact: true }).click();
    await page.getByRole("tab", { name: "2. Design" }).click();
    await page.getByRole("button", { name: "Edit asset Discovery checklist" }).click();
    await page.getByLabel("Preview for").selectOption({ label: "Enterprise EMEA" });
    const preview = page.getByTestId("card-preview");
    await preview.getByText("The card Amelia Clarke gets (Enterprise EMEA):").waitFor();
    const card = preview.getByRole("region", { name: "Card preview" });
    await expect.poll(() => card.locator("select").count(), { timeout: 30_000 }).toBe(4 * 2);
    const previewed = (await card.getAttribute("data-card")) ?? "";

    // The pilot manager in London asks for the checklist in the chat.
    const emea = rosters[0];
    const chat = chatAs(tab.composition.bot, {
      tenantId: DEMO_TENANT_ID,
      objectId: emea.manager.objectId,
      name: emea.manager.name,
    });
    const [delivered] = cardsOf(await chat.send("log observation"));
    const deliveredJson = JSON.stringify(delivered);
    const deliveryId = /"deliveryId":"([^"]+)"/.exec(deliveredJson)?.[1] ?? "";
    expect(deliveryId).not.toBe("");
    expect(previewed.replaceAll('"deliveryId":"preview"', `"deliveryId":"${deliveryId}"`)).toBe(deliveredJson);

    // Side by side, for people to look at: the builder's preview and the same card as the chat delivered it.
    const previewPng = (await card.screenshot()).toString("base64");
    const side = await tab.browser.newPage({ viewport: { width: 1000, height: 900 } });
    await side.setContent(
      `<body style="margin:16px;font-family:Segoe UI,sans-serif;display:flex;gap:24px;align-items:flex-start">
        <div><h3>Builder preview</h3><img alt="preview" src="data:image/png;base64,${previewPng}"></div>
        <div><h3>Delivered in the chat</h3><div id="card" style="width:460px;border:1px solid #d1d1d1;border-radius:8px;overflow:hidden"></div></div>
      </body>`,
    );
    await side.addScriptTag({
      path: createRequire(import.meta.url).resolve("adaptivecards/dist/adaptivecards.min.js"),
    });
    await side.evaluate(
      ([json, hostConfig]) => {
        // biome-ignore lint/suspicious/noExplicitAny: the SDK's browser bundle is a global
        const AC = (window as any).AdaptiveCards;
        const adaptive = new AC.AdaptiveCard();
        adaptive.hostConfig = new AC.HostConfig(hostConfig);
        adaptive.parse(JSON.parse(json));
        document.getElementById("card")?.appendChild(adaptive.render());
      },
      [deliveredJson, hostConfigFor(teamsLightTheme)] as const,
    );
    await side.screenshot({ path: join(ARTIFACTS, "scenario-1-preview-beside-delivered.png"), fullPage: true });
    await side.close();
    await page.close();
  });

  it("unsaved changes are never dropped without asking", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await page.getByRole("button", { name: "Discovery that wins", exact: true }).click();
    await page.getByLabel("Strategic objective it serves").fill("Grow new-logo revenue by 15%.");
    await page.getByText("Unsaved changes").waitFor();
    await page.getByRole("button", { name: "Back to programs" }).click();
    const dialog = page.getByRole("dialog", { name: "Leave without saving?" });
    await dialog.getByText("This program has changes that are not saved.").waitFor();
    await shot(page, "scenario-1-leave-dialog");
    const violations = await axeSerious(page);
    expect(violations, "the leave dialog").toEqual([]);
    await dialog.getByRole("button", { name: "Keep editing" }).click();
    await expect
      .poll(() => page.getByLabel("Strategic objective it serves").inputValue(), { timeout: 30_000 })
      .toBe("Grow new-logo revenue by 15%.");
    // Another view of the tab asks too; leaving anyway drops the change.
    await page.getByRole("tab", { name: "KPI data" }).click();
    await dialog.getByRole("button", { name: "Leave without saving" }).click();
    await page.getByRole("heading", { name: "KPI data" }).waitFor();
    expect((await activeProgram())?.discover.strategicObjective).toBe("Grow new-logo revenue.");
    await page.close();
  });
});

/** Presses Tab (or Shift+Tab) until the focused element matches, as a keyboard user moves through the page. */
async function tabTo(page: Page, matches: (el: { role: string; name: string; tag: string }) => boolean, back = false) {
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      const label =
        a?.getAttribute("aria-label") ?? (a?.id ? document.querySelector(`label[for="${a.id}"]`)?.textContent : null);
      return {
        role: a?.getAttribute("role") ?? "",
        name: (label ?? a?.textContent ?? "").trim(),
        tag: a?.tagName ?? "",
      };
    });
    if (matches(el)) return el;
  }
  throw new Error("focus never reached the element");
}

describe("the builder by keyboard alone", () => {
  it("opens a program, adds an asset and changes a sending rule without a mouse", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    await page.getByRole("table", { name: "Programs" }).waitFor();
    await tabTo(page, (el) => el.tag === "BUTTON" && el.name === "Discovery that wins");
    await page.keyboard.press("Enter");
    await page.getByLabel("Program name").waitFor();

    await tabTo(page, (el) => el.role === "tab" && el.name === "1. Discover");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    await page.getByRole("list", { name: "Assets" }).waitFor();
    await tabTo(page, (el) => el.tag === "INPUT" && el.name.startsWith("Title"));
    await page.keyboard.type("Summarise before you pitch");
    await tabTo(page, (el) => el.tag === "INPUT" && el.name === behaviours[1]);
    await page.keyboard.press("Space");
    await tabTo(page, (el) => el.tag === "TEXTAREA" && el.name.startsWith("Task"));
    await page.keyboard.type("Before your next proposal, summarise the customer's need in their words.");
    await tabTo(page, (el) => el.tag === "BUTTON" && el.name === "Add asset");
    await page.keyboard.press("Enter");
    await status(page, 'Asset "Summarise before you pitch" saved.').waitFor();

    await tabTo(page, (el) => el.role === "tab" && el.name === "2. Design", true);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Sending rules" }).waitFor();
    await tabTo(page, (el) => el.tag === "INPUT" && el.name.startsWith("Most cards per person per day"));
    await page.keyboard.press("Control+A");
    await page.keyboard.type("5");
    await tabTo(page, (el) => el.tag === "BUTTON" && el.name === "Save", true);
    await page.keyboard.press("Enter");
    await status(page, /^Saved at \d\d:\d\d\.$/).waitFor();
    await shot(page, "scenario-1-keyboard-deliver");

    const program = await activeProgram();
    expect(program?.schedule.maxPerPersonPerDay).toBe(5);
    expect((await storage.assets.all(DEMO_TENANT_ID, program?.id ?? "")).map((a) => a.title)).toContain(
      "Summarise before you pitch",
    );
    await page.close();
  });
});

describe("every builder step in every theme", () => {
  it("has no serious or critical accessibility problem, and is kept as a screenshot", async () => {
    const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, tab.base, DEMO_ADMIN.name);
    const results: Record<string, unknown[]> = {};
    for (const theme of themes) {
      await page.goto(`${tab.base}/tab/?theme=${theme}`);
      await page.getByRole("table", { name: "Programs" }).waitFor();
      results[`programs-${theme}`] = await axeSerious(page);
      await shot(page, `scenario-1-programs-${theme}`);
      await page.getByRole("button", { name: "Discovery that wins", exact: true }).click();
      const steps = [
        ["discover", "1. Discover", () => page.getByRole("list", { name: "Owners" }).waitFor()],
        [
          "design",
          "2. Design",
          async () => {
            await page.getByRole("button", { name: "Edit asset Discovery checklist" }).click();
            await page.getByTestId("card-preview").getByRole("region", { name: "Card preview" }).waitFor();
          },
        ],
        ["deliver", "3. Deliver", () => page.getByRole("list", { name: "Schedule" }).waitFor()],
        ["measure", "4. Measure", () => page.getByRole("table", { name: "Impact chain" }).waitFor()],
      ] as const;
      for (const [step, tabName, ready] of steps) {
        await page.getByRole("tab", { name: tabName }).click();
        await ready();
        results[`${step}-${theme}`] = await axeSerious(page);
        await shot(page, `scenario-1-${step}-${theme}`);
      }
    }
    console.log(`axe serious/critical violations (scenario 1 builder): ${JSON.stringify(results)}`);
    for (const [view, violations] of Object.entries(results)) expect(violations, view).toEqual([]);
    expect(readFileSync(join(ARTIFACTS, "scenario-1-design-default.png")).length).toBeGreaterThan(0);
    await page.close();
  });
});
