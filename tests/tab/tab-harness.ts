import { mkdirSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pino } from "pino";
import { type Browser, chromium, type Page } from "playwright-core";
import { type Composition, composeThroughline } from "../../src/composition.js";
import { DEMO_TENANT_ID, seedWinRatePilot } from "../../src/demo/index.js";
import type { Storage } from "../../src/storage/index.js";
import { ensureTabBuilt, tabDistDir } from "../../tab/build-tab.js";
import { testStorage } from "../support/storage.js";
import { testConfig } from "../support/test-config.js";

export const ARTIFACTS = join(process.cwd(), ".artifacts", "tab");
export const themes = ["default", "dark", "contrast"] as const;

export interface TabHarness {
  base: string;
  storage: Storage;
  browser: Browser;
  /** The app's composition: its bot answers chats as the deployed one does. */
  composition: Composition;
  stop(): Promise<void>;
}

export interface TabOptions {
  /** Storage of the harness's own (an empty Azurite); the test run's shared one with the demo seeded by default. */
  storage?: Storage;
  /** Configuration beside the dev-mode defaults. */
  env?: Record<string, string>;
}

/** The real app (API in dev mode + the built tab) over Azurite, by default with the demo seeded, and Chromium. */
export async function startTab(options: TabOptions = {}): Promise<TabHarness> {
  await ensureTabBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  const storage = options.storage ?? (await testStorage());
  if (!options.storage) await seedWinRatePilot(storage);
  // Standalone dev mode, as `npm start` runs it: the local issuer signs the "sign in as" tokens.
  const config = testConfig({
    AUTH_DEV_MODE: "true",
    BOT_DEV_MODE: "true",
    ALLOWED_TENANT_IDS: DEMO_TENANT_ID,
    ...options.env,
  });
  const composition = await composeThroughline(config, {
    storage,
    logger: pino({ level: "silent" }),
    tabDir: tabDistDir,
  });
  const { app } = composition;
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  // Playwright gives every launch a fresh temporary profile (it refuses --user-data-dir with launch()).
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    storage,
    browser,
    composition,
    async stop() {
      await browser.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Signs in through the standalone picker, as a person would. */
export async function signInAs(page: Page, base: string, name: string, theme = "default"): Promise<void> {
  await page.goto(`${base}/tab/?theme=${theme}`);
  const picker = page.getByLabel("Sign in as");
  await picker.waitFor();
  await picker.selectOption({ label: await optionLabel(page, name) });
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function optionLabel(page: Page, name: string): Promise<string> {
  const labels = await page.locator("option").allTextContents();
  const label = labels.find((l) => l.startsWith(`${name} —`));
  if (!label) throw new Error(`${name} is not offered to sign in as`);
  return label;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core in the page; returns the serious and critical violations (id, impact, how many nodes). */
export async function axeSerious(
  page: Page,
): Promise<{ id: string; impact: string; nodes: number; help: string; first: string }[]> {
  // Evaluated through the debugging protocol, not added as a <script>: the tab's CSP refuses inline scripts.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected into the page at run time
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    // Fluent UI's focus manager (tabster) adds aria-hidden focus-redirect elements on purpose; Accessibility
    // Insights suppresses exactly these nodes for aria-hidden-focus, and so do we (microsoft/tabster#288).
    for (const v of result.violations)
      if (v.id === "aria-hidden-focus")
        v.nodes = v.nodes.filter((n: { html: string }) => !n.html.includes("data-tabster-dummy"));
    return result.violations
      .filter(
        (v: { impact: string; nodes: unknown[] }) =>
          (v.impact === "serious" || v.impact === "critical") && v.nodes.length > 0,
      )
      .map((v: { id: string; impact: string; nodes: { html: string }[]; help: string }) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.length,
        help: v.help,
        first: v.nodes[0]?.html.slice(0, 200) ?? "",
      }));
  });
}
