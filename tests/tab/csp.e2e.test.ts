import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MANAGER } from "../../src/demo/index.js";
import { ARTIFACTS, signInAs, startTab, type TabHarness } from "./tab-harness.js";

/**
 * The built tab under its Content-Security-Policy in Chromium: scripts, styles and connections locked to
 * what the tab uses, and every view still works with nothing refused.
 */
let tab: TabHarness;
beforeAll(async () => {
  tab = await startTab();
});
afterAll(() => tab?.stop());

const WAIT_MS = 120_000;

/** A page that records every policy violation (the browser's event) and every "Refused to …" console line. */
async function watchedPage(): Promise<{ page: Page; refused: string[] }> {
  const page = await tab.browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(WAIT_MS);
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  await page.exposeFunction("reportViolation", (text: string) => refused.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { reportViolation(t: string): void }).reportViolation(
        `${e.violatedDirective} ${e.blockedURI}`,
      ),
    );
  });
  return { page, refused };
}

describe("the tab's Content-Security-Policy", () => {
  it("is sent with the tab: own scripts only, hashed inline styles, Entra and the Teams CDN, framed by Teams", async () => {
    const res = await fetch(`${tab.base}/tab/`);
    const policy = res.headers.get("content-security-policy") ?? "";
    const directives = Object.fromEntries(
      policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)] as const),
    );
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["default-src"]).toEqual(["'self'"]);
    expect(directives["object-src"]).toEqual(["'none'"]);
    expect(directives["style-src"]?.[0]).toBe("'self'");
    expect(directives["style-src"]).not.toContain("'unsafe-inline'");
    expect(directives["connect-src"]).toEqual([
      "'self'",
      "https://login.microsoftonline.com",
      "https://res.cdn.office.net",
    ]);
    expect(directives["frame-ancestors"]).toEqual(
      expect.arrayContaining(["https://teams.microsoft.com", "https://*.cloud.microsoft", "https://*.office.com"]),
    );
  });

  it("refuses nothing the tab needs: the admin's builder with its card preview, KPI data, the manager's charts", async () => {
    const { page, refused } = await watchedPage();
    page.on("pageerror", (error) => refused.push(`page error: ${error.message}`));
    await signInAs(page, tab.base, "Dana Whitfield");
    await page.getByRole("table", { name: "Programs" }).waitFor();
    await page.getByRole("button", { name: "Discovery that wins", exact: true }).click();
    await page.getByRole("tab", { name: "2. Design" }).click();
    // The card preview renders an Adaptive Card in the page: what the card's renderer needs must be allowed.
    await page
      .getByRole("button", { name: /^Edit asset / })
      .first()
      .click();
    await page.getByTestId("card-preview").getByRole("region", { name: "Card preview" }).waitFor();
    await page.getByRole("tab", { name: "4. Measure" }).click();
    await page.locator(".recharts-line").first().waitFor();
    await page.goto(`${tab.base}/tab/?theme=dark`);
    await page.getByRole("tab", { name: "KPI data" }).click();
    await page.getByLabel("CSV file").waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "csp-admin.png"), fullPage: true });
    // index.html's own inline style and style attribute, allowed by their hashes.
    expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe("0px");

    await page.close();

    const manager = await watchedPage();
    await signInAs(manager.page, tab.base, DEMO_MANAGER.name);
    await manager.page.getByRole("heading", { name: "Enterprise EMEA" }).waitFor();
    await manager.page.locator("figure[aria-label^='Adoption by week'] .recharts-line").first().waitFor();
    // The components' styles (added through the CSSOM) apply: a Fluent button is not the browser's default.
    const button = manager.page.getByRole("button").first();
    expect(await button.evaluate((b) => getComputedStyle(b).fontFamily)).not.toBe(
      await manager.page.evaluate(() => {
        const plain = document.body.appendChild(document.createElement("button"));
        const font = getComputedStyle(plain).fontFamily;
        plain.remove();
        return font;
      }),
    );
    await manager.page.screenshot({ path: join(ARTIFACTS, "csp-manager.png"), fullPage: true });
    expect([...refused, ...manager.refused]).toEqual([]);
    await manager.page.close();
  });

  it("is enforced: a script written into the page is refused", async () => {
    const { page, refused } = await watchedPage();
    await page.goto(`${tab.base}/tab/`);
    const ran = await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.append(script);
      return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => refused.some((r) => r.startsWith("script-src"))).toBe(true);
    await page.close();
  });
});
